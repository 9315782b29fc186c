import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email notifications: facts are queued in the transaction of the fact (so a rolled-back sign-up
 * mails nobody) and delivered after commit through the one mailer; each person may turn off a kind.
 */
export class Notifications1764170000001 implements MigrationInterface {
  name = 'Notifications1764170000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','skipped','failed')),
        attempts int NOT NULL DEFAULT 0,
        delivery text CHECK (delivery IN ('smtp','outbox')),
        sent_at timestamptz,
        last_error text,
        dedupe_key text UNIQUE
      )`);
    await q.query(`CREATE INDEX notifications_pending ON notifications (id) WHERE status = 'pending'`);
    // "Commission became available" is found by scanning recent releases (the release job stays as it is).
    await q.query(`CREATE INDEX commissions_released_at ON commissions (released_at) WHERE released_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL,
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX commissions_released_at`);
    await q.query(`DROP TABLE notification_preferences`);
    await q.query(`DROP TABLE notifications`);
  }
}
