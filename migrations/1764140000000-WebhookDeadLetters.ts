import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters for the Stripe inbox: an event that failed MAX_ATTEMPTS times stops being retried by
 * the job and waits, with its reason, for an admin to retry it by hand.
 */
export class WebhookDeadLetters1764140000000 implements MigrationInterface {
  name = 'WebhookDeadLetters1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stripe_webhook_events DROP CONSTRAINT IF EXISTS stripe_webhook_events_status_check`);
    await q.query(`
      ALTER TABLE stripe_webhook_events
        ADD CONSTRAINT stripe_webhook_events_status_check CHECK (status IN ('received','processed','ignored','failed','dead_letter')),
        ADD COLUMN dead_lettered_at timestamptz`);
    await q.query(`CREATE INDEX stripe_webhook_events_dead_letters ON stripe_webhook_events (dead_lettered_at) WHERE status = 'dead_letter'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS stripe_webhook_events_dead_letters`);
    await q.query(`UPDATE stripe_webhook_events SET status = 'failed', next_attempt_at = now() WHERE status = 'dead_letter'`);
    await q.query(`ALTER TABLE stripe_webhook_events DROP CONSTRAINT stripe_webhook_events_status_check, DROP COLUMN dead_lettered_at`);
    await q.query(`ALTER TABLE stripe_webhook_events ADD CONSTRAINT stripe_webhook_events_status_check CHECK (status IN ('received','processed','ignored','failed'))`);
  }
}
