import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The program's time zone (an IANA name; months and dates on pages are counted in it), and the
 * history of program settings: one row per changed field (who, when, before, after, as text;
 * null before/after = none, e.g. unlimited commission months), written by
 * ProgramService in the transaction of the change.
 */
export class ProgramSettingsChanges1796236000000 implements MigrationInterface {
  name = 'ProgramSettingsChanges1796236000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE program_settings ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64)`);
    await q.query(`
      CREATE TABLE program_settings_changes (
        id bigserial PRIMARY KEY,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by uuid REFERENCES users(id),
        field text NOT NULL,
        before text,
        after text,
        -- the program's currency after the change (a payout minimum is read in it)
        currency char(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX program_settings_changes_recent ON program_settings_changes (changed_at DESC, id)`);
    await q.query(`CREATE TRIGGER program_settings_changes_immutable BEFORE UPDATE OR DELETE ON program_settings_changes FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE program_settings_changes`);
    await q.query(`ALTER TABLE program_settings DROP COLUMN time_zone`);
  }
}
