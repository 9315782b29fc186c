import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The built-in outbox: without SMTP_URL every message the product sends is kept here, complete
 * (HTML with inlined CSS, text part, headers), for an admin to read. With SMTP configured nothing is
 * written here (campaign volume would double the storage of every send for no reader).
 * Also the program's name (its brand in pages and emails).
 */
export class MailOutbox1764170000000 implements MigrationInterface {
  name = 'MailOutbox1764170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_outbox (
        id bigserial PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL CHECK (kind IN ('campaign','test','notification','payout','password_reset','other')),
        to_address text NOT NULL,
        from_address text NOT NULL,
        subject text NOT NULL,
        html text NOT NULL,
        text_body text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        related jsonb NOT NULL DEFAULT '{}',
        message_id text NOT NULL
      )`);
    await q.query(`CREATE INDEX mail_outbox_campaign ON mail_outbox ((related->>'campaignId')) WHERE related ? 'campaignId'`);
    await q.query(`ALTER TABLE program_settings ADD COLUMN name text NOT NULL DEFAULT 'Handshake' CHECK (length(name) BETWEEN 1 AND 80 AND name = btrim(name))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE program_settings DROP COLUMN name`);
    await q.query(`DROP TABLE mail_outbox`);
  }
}
