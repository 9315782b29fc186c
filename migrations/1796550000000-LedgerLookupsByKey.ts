import { MigrationInterface, QueryRunner } from 'typeorm';
import { ledgerFunctionsSql } from '../src/ledger/ledger-functions';

/**
 * The ledger's look-ups by key: for up to 5,000 keys or entries, ledger_post_many finds the used
 * idempotency keys, and the entries' statement trigger checks the postings and accounts referred
 * to, through `= ANY` of the keys or ids (see ledger-functions.sql). Joined to the tables, they were
 * planned from the tables' statistics, and a ledger grown since its last ANALYZE was read whole by
 * every posting call. Larger calls (a payout batch) are still joined in one pass.
 */
export class LedgerLookupsByKey1796550000000 implements MigrationInterface {
  name = 'LedgerLookupsByKey1796550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ledgerFunctionsSql());
  }

  async down(): Promise<void> {
    // The file holds one definition of each function: revert the code to the previous file and run it.
  }
}
