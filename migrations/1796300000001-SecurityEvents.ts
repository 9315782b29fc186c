import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The security log: sign-ins, failures, lockouts, password and two-factor changes, role changes,
 * disabling and invitations. Append-only; the admin reads it at /admin/security. The address typed
 * is kept even when no account has it (a failed sign-in for an unknown address).
 */
export class SecurityEvents1796300000001 implements MigrationInterface {
  name = 'SecurityEvents1796300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE security_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        user_id uuid REFERENCES users(id),
        email text,
        actor_id uuid REFERENCES users(id),
        ip text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX security_events_at ON security_events (at DESC, id DESC)`);
    await q.query(`CREATE INDEX security_events_email ON security_events (email, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE security_events`);
  }
}
