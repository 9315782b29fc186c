import { MigrationInterface, QueryRunner } from 'typeorm';

/** Two-factor sign-in (TOTP) for staff: an encrypted secret per account and single-use recovery codes. */
export class TwoFactor1796234201687 implements MigrationInterface {
  name = 'TwoFactor1796234201687';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE two_factor (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret bytea NOT NULL,
        confirmed_at timestamptz,
        last_time_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE two_factor_recovery_codes (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        UNIQUE (user_id, code_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE two_factor_recovery_codes');
    await q.query('DROP TABLE two_factor');
  }
}
