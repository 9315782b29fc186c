import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exchange's missing pieces: a member can be suspended (no offers until reinstated) or expelled
 * (its account is closed); an offer can be withdrawn (lead disqualified or moved to nurture while
 * offered, member suspended or expelled); company size as a member criterion and a lead field; the
 * receiver's hand-off text; and a routing mode per exchange (best match or weighted rotation).
 */
export class ExchangeMembershipAndRouting1796206428960 implements MigrationInterface {
  name = 'ExchangeMembershipAndRouting1796206428960';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exchange_members DROP CONSTRAINT IF EXISTS exchange_members_status_check`);
    await q.query(`ALTER TABLE exchange_members ADD CONSTRAINT exchange_members_status_check CHECK (status IN ('applied','admitted','refused','suspended','expelled'))`);
    await q.query(`ALTER TABLE exchange_members ADD COLUMN company_sizes text[] NOT NULL DEFAULT '{}', ADD COLUMN status_reason text, ADD COLUMN status_changed_at timestamptz`);
    await q.query(`ALTER TABLE exchange_assignments DROP CONSTRAINT IF EXISTS exchange_assignments_state_check`);
    await q.query(`ALTER TABLE exchange_assignments ADD CONSTRAINT exchange_assignments_state_check CHECK (state IN ('offered','accepted','declined','expired','withdrawn'))`);
    await q.query(`ALTER TABLE exchange_assignments ADD COLUMN withdraw_reason text, ADD COLUMN handoff_text text CHECK (handoff_text IS NULL OR length(handoff_text) BETWEEN 1 AND 2000)`);
    await q.query(`ALTER TABLE exchange_leads ADD COLUMN company_size text CHECK (company_size IS NULL OR company_size IN ('small','medium','large','enterprise'))`);
    await q.query(`ALTER TABLE exchange_settings ADD COLUMN routing_mode text NOT NULL DEFAULT 'best_match' CHECK (routing_mode IN ('best_match','rotation'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exchange_settings DROP COLUMN routing_mode`);
    await q.query(`ALTER TABLE exchange_leads DROP COLUMN company_size`);
    await q.query(`ALTER TABLE exchange_assignments DROP COLUMN handoff_text, DROP COLUMN withdraw_reason`);
    await q.query(`UPDATE exchange_assignments SET state = 'expired' WHERE state = 'withdrawn'`);
    await q.query(`ALTER TABLE exchange_assignments DROP CONSTRAINT exchange_assignments_state_check`);
    await q.query(`ALTER TABLE exchange_assignments ADD CONSTRAINT exchange_assignments_state_check CHECK (state IN ('offered','accepted','declined','expired'))`);
    await q.query(`ALTER TABLE exchange_members DROP COLUMN company_sizes, DROP COLUMN status_reason, DROP COLUMN status_changed_at`);
    await q.query(`UPDATE exchange_members SET status = 'refused' WHERE status IN ('suspended','expelled')`);
    await q.query(`ALTER TABLE exchange_members DROP CONSTRAINT exchange_members_status_check`);
    await q.query(`ALTER TABLE exchange_members ADD CONSTRAINT exchange_members_status_check CHECK (status IN ('applied','admitted','refused'))`);
  }
}
