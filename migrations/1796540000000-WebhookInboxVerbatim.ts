import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Stripe inbox keeps each event's body as received (json: the text, checked to be JSON) instead
 * of converted to jsonb: it is only ever stored and read back whole, and the conversion was the
 * largest part of the database's work per delivery (webhooks benchmark). Supplier attributions leave
 * room on their pages so the one update most get (the first payment's date) stays on the page.
 */
export class WebhookInboxVerbatim1796540000000 implements MigrationInterface {
  name = 'WebhookInboxVerbatim1796540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stripe_webhook_events ALTER COLUMN payload TYPE json USING payload::json`);
    await q.query(`ALTER TABLE supplier_attributions SET (fillfactor = 85)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE supplier_attributions RESET (fillfactor)`);
    await q.query(`ALTER TABLE stripe_webhook_events ALTER COLUMN payload TYPE jsonb USING payload::jsonb`);
  }
}
