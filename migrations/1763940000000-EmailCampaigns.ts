import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audiences, suppression, campaigns with a per-recipient send ledger, tracking events and the
 * funnel counters (sharded rows, bumped in the same transaction as the first event of each kind).
 */
export class EmailCampaigns1763940000000 implements MigrationInterface {
  name = 'EmailCampaigns1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audiences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        audience_id uuid NOT NULL REFERENCES audiences(id),
        email text NOT NULL CHECK (email = lower(email)),
        name text,
        company text,
        attributes jsonb NOT NULL DEFAULT '{}',
        import_id bigint,
        source_line int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (audience_id, email)
      )`);
    await q.query(`
      CREATE TABLE audience_imports (
        id bigserial PRIMARY KEY,
        audience_id uuid NOT NULL REFERENCES audiences(id),
        filename text,
        status text NOT NULL CHECK (status IN ('done','failed')),
        bytes bigint NOT NULL DEFAULT 0,
        imported int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        suppressed int NOT NULL DEFAULT 0,
        rejections jsonb NOT NULL DEFAULT '[]',
        error jsonb,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE suppressions (
        email text PRIMARY KEY CHECK (email = lower(email)),
        reason text NOT NULL CHECK (reason IN ('unsubscribed','hard_bounce','complaint','manual')),
        campaign_id uuid,
        detail text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        audience_id uuid NOT NULL REFERENCES audiences(id),
        subject text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('draft','scheduled','sending','paused','sent','cancelled')),
        scheduled_at timestamptz,
        listed int NOT NULL DEFAULT 0,
        note text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX campaigns_due ON campaigns (scheduled_at) WHERE status = 'scheduled'`);
    await q.query(`
      CREATE TABLE campaign_sends (
        id bigserial PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        email text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','bounced','failed','skipped')),
        attempts smallint NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        message_id text,
        last_error text,
        bounced_at timestamptz,
        human_open_at timestamptz,
        machine_open_at timestamptz,
        human_click_at timestamptz,
        machine_click_at timestamptz,
        UNIQUE (campaign_id, contact_id)
      )`);
    await q.query(`CREATE INDEX campaign_sends_queued ON campaign_sends (campaign_id, id) WHERE status = 'queued'`);
    await q.query(`
      CREATE TABLE campaign_counters (
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        shard smallint NOT NULL,
        sent int NOT NULL DEFAULT 0,
        bounced int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        skipped int NOT NULL DEFAULT 0,
        opened_human int NOT NULL DEFAULT 0,
        opened_machine int NOT NULL DEFAULT 0,
        clicked_human int NOT NULL DEFAULT 0,
        clicked_machine int NOT NULL DEFAULT 0,
        registered int NOT NULL DEFAULT 0,
        active_referrers int NOT NULL DEFAULT 0,
        suppliers int NOT NULL DEFAULT 0,
        converted int NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, shard)
      )`);
    await q.query(`
      CREATE TABLE tracking_events (
        id bigserial PRIMARY KEY,
        send_id bigint NOT NULL,
        campaign_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('open','click','bounce','complaint')),
        machine boolean NOT NULL,
        reason text,
        url text,
        user_agent text,
        ip text,
        delay_ms bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tracking_events_send ON tracking_events (send_id)`);
    await q.query(`CREATE TRIGGER tracking_events_immutable BEFORE UPDATE OR DELETE ON tracking_events FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TABLE campaign_referrers (
        referrer_id uuid PRIMARY KEY REFERENCES referrers(id),
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        send_id bigint NOT NULL REFERENCES campaign_sends(id),
        registered_at timestamptz NOT NULL DEFAULT now(),
        active_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE campaign_suppliers (
        supplier_id uuid PRIMARY KEY,
        referrer_id uuid NOT NULL REFERENCES campaign_referrers(referrer_id),
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        attributed_at timestamptz NOT NULL DEFAULT now(),
        converted_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['campaign_suppliers', 'campaign_referrers', 'tracking_events', 'campaign_counters', 'campaign_sends', 'campaigns', 'suppressions', 'audience_imports', 'contacts', 'audiences']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
