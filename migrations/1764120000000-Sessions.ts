import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-side sessions: every token names its session (`sid`), and a request is let in only while
 * the session is live (not revoked, not idle too long, not past its absolute end) and the account
 * is not disabled. Logout revokes one session; a password change or disabling revokes them all.
 */
export class Sessions1764120000000 implements MigrationInterface {
  name = 'Sessions1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        user_agent text,
        ip text
      )`);
    await q.query(`CREATE INDEX auth_sessions_live_by_user ON auth_sessions (user_id) WHERE revoked_at IS NULL`);
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
    await q.query(`DROP TABLE auth_sessions`);
  }
}
