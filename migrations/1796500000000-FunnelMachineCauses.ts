import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The funnel's machine figures by cause, kept as counters like the rest of the funnel: each send
 * remembers the reason of its first machine open and first machine click, and
 * campaign_machine_counters holds, per campaign and counter shard, how many machine-only
 * recipients each reason accounts for. The report reads these few rows instead of one raw event per
 * machine-only send. Existing campaigns are filled from their raw events once.
 */
export class FunnelMachineCauses1796500000000 implements MigrationInterface {
  name = 'FunnelMachineCauses1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaign_sends ADD COLUMN machine_open_reason text, ADD COLUMN machine_click_reason text`);
    await q.query(`
      CREATE TABLE campaign_machine_counters (
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        shard int NOT NULL,
        stage text NOT NULL CHECK (stage IN ('open', 'click')),
        reason text NOT NULL,
        n int NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, stage, reason, shard)
      )`);
    await q.query(`
      UPDATE campaign_sends s SET
        machine_open_reason = CASE WHEN s.machine_open_at IS NULL THEN NULL ELSE coalesce((
          SELECT e.reason FROM tracking_events e WHERE e.send_id = s.id AND e.machine ORDER BY e.created_at, e.id LIMIT 1), '') END,
        machine_click_reason = CASE WHEN s.machine_click_at IS NULL THEN NULL ELSE coalesce((
          SELECT e.reason FROM tracking_events e WHERE e.send_id = s.id AND e.machine AND e.kind = 'click' ORDER BY e.created_at, e.id LIMIT 1), '') END
      WHERE s.machine_open_at IS NOT NULL OR s.machine_click_at IS NOT NULL`);
    await q.query(`
      INSERT INTO campaign_machine_counters (campaign_id, shard, stage, reason, n)
      SELECT campaign_id, 0, 'open', machine_open_reason, count(*) FROM campaign_sends
       WHERE machine_open_at IS NOT NULL AND human_open_at IS NULL GROUP BY campaign_id, machine_open_reason
      UNION ALL
      SELECT campaign_id, 0, 'click', machine_click_reason, count(*) FROM campaign_sends
       WHERE machine_click_at IS NOT NULL AND human_click_at IS NULL GROUP BY campaign_id, machine_click_reason`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_machine_counters`);
    await q.query(`ALTER TABLE campaign_sends DROP COLUMN machine_open_reason, DROP COLUMN machine_click_reason`);
  }
}
