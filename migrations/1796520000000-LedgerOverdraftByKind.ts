import { MigrationInterface, QueryRunner } from 'typeorm';
import { ledgerFunctionsSql } from '../src/ledger/ledger-functions';

/**
 * Overdraft is a property of the account kind plus the posting's clawback flag, no longer a list of
 * posting causes: src/ledger/ledger-functions.sql gains ledger_may_overdraw (each kind's policy:
 * platform accounts always, a referrer's pending, available and disputed balances only by a clawback,
 * in transit and paid never), and ledger_post / ledger_post_many take `p_clawback` where they took
 * `p_allow_overdraft` (same position and type) and ask ledger_may_overdraw for every account, not only
 * for owner accounts. The file drops and recreates the two (a parameter cannot be renamed in place).
 */
export class LedgerOverdraftByKind1796520000000 implements MigrationInterface {
  name = 'LedgerOverdraftByKind1796520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ledgerFunctionsSql());
  }

  async down(): Promise<void> {
    // Nothing to undo that the app before this migration would notice: it calls the two functions by
    // position with its overdraft flag (true for refunds, disputes, corrections, bonus clawbacks, lead
    // fees and adjustments), which they read as the clawback flag. The only stricter case, an account
    // in transit or paid taken below zero by such a posting, is one that app never posted.
  }
}
