import { MigrationInterface, QueryRunner } from 'typeorm';
import { ledgerFunctionsSql } from '../src/ledger/ledger-functions';

/**
 * One ledger write path: a single posting goes through ledger_post_many as a run of one, so
 * ledger_post, which did the same for one posting in its own code, is dropped (the file drops it and
 * no longer defines it).
 */
export class LedgerOneWritePath1796530000000 implements MigrationInterface {
  name = 'LedgerOneWritePath1796530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ledgerFunctionsSql());
  }

  async down(): Promise<void> {
    // The app before this migration calls ledger_post for single postings: put the previous migration's
    // file back by reverting the code, then run it (the function is not kept here twice).
  }
}
