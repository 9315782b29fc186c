import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marketer's console: who suppressed an address by hand; a removed suppression kept as an
 * audit row (with the reason for removing it); the suppressed addresses a campaign left out when
 * it listed its recipients, by reason; audiences deleted while campaigns still refer to them are
 * kept out of sight (deleted_at) so those campaigns keep their history, and their name is free again.
 */
export class MarketerConsole1796209295912 implements MigrationInterface {
  name = 'MarketerConsole1796209295912';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE suppressions ADD COLUMN created_by uuid REFERENCES users(id)`);
    await q.query(`
      CREATE TABLE suppression_removals (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        reason text NOT NULL,
        campaign_id uuid,
        detail text,
        suppressed_at timestamptz NOT NULL,
        suppressed_by uuid,
        removal_reason text NOT NULL CHECK (length(removal_reason) BETWEEN 1 AND 500),
        removed_by uuid REFERENCES users(id),
        removed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX suppression_removals_email ON suppression_removals (email)`);
    await q.query(`CREATE TRIGGER suppression_removals_immutable BEFORE UPDATE OR DELETE ON suppression_removals FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`ALTER TABLE campaigns ADD COLUMN left_out jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE audiences ADD COLUMN deleted_at timestamptz`);
    await q.query(`ALTER TABLE audiences DROP CONSTRAINT audiences_name_key`);
    await q.query(`CREATE UNIQUE INDEX audiences_name_live ON audiences (name) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX contacts_audience_email ON contacts (audience_id, email text_pattern_ops)`);
    await q.query(`CREATE INDEX campaign_sends_contact ON campaign_sends (contact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS campaign_sends_contact`);
    await q.query(`DROP INDEX IF EXISTS contacts_audience_email`);
    await q.query(`DROP INDEX IF EXISTS audiences_name_live`);
    await q.query(`ALTER TABLE audiences ADD CONSTRAINT audiences_name_key UNIQUE (name)`);
    await q.query(`ALTER TABLE audiences DROP COLUMN deleted_at`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN left_out`);
    await q.query(`DROP TABLE IF EXISTS suppression_removals`);
    await q.query(`ALTER TABLE suppressions DROP COLUMN created_by`);
  }
}
