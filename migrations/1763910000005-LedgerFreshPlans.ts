import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PL/pgSQL caches a statement's plan per connection and switches to a generic plan after five calls.
 * For the ledger's functions that generic plan is chosen without the batch's actual arrays and
 * sizes: measured in `npm run bench -- payouts`, the sixth `ledger_post_many` call on one pooled
 * connection (88k postings) ran for minutes instead of ~25 s, and the webhooks benchmark saw commit
 * checks grow from 10 ms to 200+ ms as ledger_entries grew. Planning each call costs microseconds
 * against statements that touch thousands of rows, so every ledger function plans afresh.
 */
const FUNCTIONS = ['ledger_post', 'ledger_post_many', 'ledger_entries_inserted', 'ledger_postings_inserted', 'ledger_postings_have_entries', 'ledger_check_posting', 'ledger_posting_balanced'];

export class LedgerFreshPlans1763910000005 implements MigrationInterface {
  name = 'LedgerFreshPlans1763910000005';

  async up(q: QueryRunner): Promise<void> {
    await this.setAll(q, 'SET plan_cache_mode = force_custom_plan');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.setAll(q, 'RESET plan_cache_mode');
  }

  private async setAll(q: QueryRunner, clause: string): Promise<void> {
    const rows: { sig: string }[] = await q.query(`SELECT p.oid::regprocedure::text AS sig FROM pg_proc p WHERE p.proname = ANY($1) AND p.pronamespace = current_schema()::regnamespace`, [FUNCTIONS]);
    for (const { sig } of rows) await q.query(`ALTER FUNCTION ${sig} ${clause}`);
  }
}
