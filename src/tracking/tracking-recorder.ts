import { Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { randomShard } from '../funnel/funnel-counters';
import { isTransientConflict, retry } from '../common/retry/retry';
import { CLICK_TOO_FAST_MS, classifyClick, classifyOpen } from './machine-detection';

export interface TrackingHit {
  sendId: string;
  kind: 'open' | 'click';
  userAgent?: string;
  ip?: string;
  method: string;
  url?: string;
  at: Date;
}

interface Pending {
  hit: TrackingHit;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 1000;
/** Statements in flight at once: one batch fills while another commits. */
const WRITERS = 2;

/**
 * A whole batch of hits in ONE statement (one round trip, atomic on its own):
 * - `event`: each hit joined to its send; the verdict computed in JS from agent, address and method
 *   is completed here with the one rule that needs the send (a click too soon after delivery). A
 *   click on a send with no delivery time committed yet is too soon as well: the sender records
 *   sent_at (the SMTP acceptance time) only when its batch commits, so such a send is in flight,
 *   i.e. its message was accepted moments ago (the link cannot be known otherwise);
 * - `locked`: the sends whose first open / click of a kind this batch is, locked in id order, with
 *   their previous flags (FOR UPDATE re-reads the latest version, so two instances agree);
 * - `upd`: sets those first-event timestamps once;
 * - `counters`: bumps one counter shard by the difference each send makes ("machine" means a
 *   machine open / click and no human one: a recipient who is later seen by a person moves across);
 * - `machine_counters`: the same difference for machine-only recipients by the reason of their first
 *   machine hit (kept on the send, so a recipient who moves to people leaves the cause it was under);
 * - `ins`: every hit kept as a raw event.
 */
const RECORD_BATCH = `
WITH hit AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
    AS h(send_id, kind, machine, reason, url, user_agent, ip, at)
), timed AS (
  SELECT h.*, s.campaign_id, floor(extract(epoch FROM h.at - s.sent_at) * 1000)::bigint AS delay_ms
  FROM hit h JOIN campaign_sends s ON s.id = h.send_id
), event AS (
  SELECT v.*, CASE WHEN v.too_soon THEN 'too-soon-after-delivery' ELSE coalesce(v.reason, '') END AS final_reason FROM (
    SELECT t.*, (t.kind = 'click' AND NOT t.machine AND coalesce(t.delay_ms < $9, true)) AS too_soon FROM timed t
  ) v
), first AS (
  SELECT send_id,
         bool_or(machine OR too_soon) AS mo, bool_or(NOT (machine OR too_soon)) AS ho,
         bool_or(kind = 'click' AND (machine OR too_soon)) AS mc, bool_or(kind = 'click' AND NOT (machine OR too_soon)) AS hc,
         (array_agg(final_reason ORDER BY at) FILTER (WHERE machine OR too_soon))[1] AS mo_reason,
         (array_agg(final_reason ORDER BY at) FILTER (WHERE kind = 'click' AND (machine OR too_soon)))[1] AS mc_reason
  FROM event GROUP BY send_id
), locked AS (
  SELECT s.id, f.mo, f.ho, f.mc, f.hc, f.mo_reason, f.mc_reason, s.machine_open_reason AS mo_reason0, s.machine_click_reason AS mc_reason0,
         s.machine_open_at IS NOT NULL AS mo0, s.human_open_at IS NOT NULL AS ho0,
         s.machine_click_at IS NOT NULL AS mc0, s.human_click_at IS NOT NULL AS hc0
  FROM campaign_sends s JOIN first f ON f.send_id = s.id
  WHERE (f.mo AND s.machine_open_at IS NULL) OR (f.ho AND s.human_open_at IS NULL)
     OR (f.mc AND s.machine_click_at IS NULL) OR (f.hc AND s.human_click_at IS NULL)
  ORDER BY s.id
  FOR UPDATE OF s
), upd AS (
  UPDATE campaign_sends s SET
    machine_open_at = CASE WHEN l.mo AND NOT l.mo0 THEN now() ELSE s.machine_open_at END,
    human_open_at = CASE WHEN l.ho AND NOT l.ho0 THEN now() ELSE s.human_open_at END,
    machine_click_at = CASE WHEN l.mc AND NOT l.mc0 THEN now() ELSE s.machine_click_at END,
    human_click_at = CASE WHEN l.hc AND NOT l.hc0 THEN now() ELSE s.human_click_at END,
    machine_open_reason = CASE WHEN l.mo AND NOT l.mo0 THEN l.mo_reason ELSE s.machine_open_reason END,
    machine_click_reason = CASE WHEN l.mc AND NOT l.mc0 THEN l.mc_reason ELSE s.machine_click_reason END
  FROM locked l WHERE s.id = l.id
  RETURNING s.campaign_id,
    coalesce(l.mo_reason0, l.mo_reason, '') AS open_reason, coalesce(l.mc_reason0, l.mc_reason, '') AS click_reason,
    ((l.mo OR l.mo0) AND NOT (l.ho OR l.ho0))::int - (l.mo0 AND NOT l.ho0)::int AS opened_machine,
    (l.ho AND NOT l.ho0)::int AS opened_human,
    ((l.mc OR l.mc0) AND NOT (l.hc OR l.hc0))::int - (l.mc0 AND NOT l.hc0)::int AS clicked_machine,
    (l.hc AND NOT l.hc0)::int AS clicked_human
), delta AS (
  SELECT campaign_id, sum(opened_machine)::int AS om, sum(opened_human)::int AS oh, sum(clicked_machine)::int AS cm, sum(clicked_human)::int AS ch
  FROM upd GROUP BY campaign_id
), counters AS (
  UPDATE campaign_counters c SET opened_machine = c.opened_machine + d.om, opened_human = c.opened_human + d.oh,
    clicked_machine = c.clicked_machine + d.cm, clicked_human = c.clicked_human + d.ch
  FROM delta d WHERE c.campaign_id = d.campaign_id AND c.shard = $10 AND (d.om <> 0 OR d.oh <> 0 OR d.cm <> 0 OR d.ch <> 0)
), machine_delta AS (
  SELECT campaign_id, 'open' AS stage, open_reason AS reason, sum(opened_machine)::int AS n FROM upd WHERE opened_machine <> 0 GROUP BY campaign_id, open_reason
  UNION ALL
  SELECT campaign_id, 'click', click_reason, sum(clicked_machine)::int FROM upd WHERE clicked_machine <> 0 GROUP BY campaign_id, click_reason
), machine_counters AS (
  INSERT INTO campaign_machine_counters (campaign_id, shard, stage, reason, n)
  SELECT campaign_id, $10, stage, reason, n FROM machine_delta WHERE n <> 0
  ORDER BY campaign_id, stage, reason
  ON CONFLICT (campaign_id, stage, reason, shard) DO UPDATE SET n = campaign_machine_counters.n + excluded.n
), ins AS (
  INSERT INTO tracking_events (send_id, campaign_id, kind, machine, reason, url, user_agent, ip, delay_ms, created_at)
  SELECT send_id, campaign_id, kind, machine OR too_soon, nullif(final_reason, ''),
         url, user_agent, ip, delay_ms, at
  FROM event
)
SELECT 1`;

/**
 * Records opens and clicks with group commit: hits that arrive while a batch is being written
 * wait and go into the next one together, and each request is answered only after its hit is
 * committed (nothing is held in memory past the answer). The first open / first click of each
 * recipient sets its timestamp once and bumps the funnel counters; every hit is kept as a raw event.
 */
@Injectable()
export class TrackingRecorder {
  private readonly logger = new Logger('TrackingRecorder');
  private queue: Pending[] = [];
  private writers = 0;

  constructor(private readonly db: DataSource) {}

  record(hit: TrackingHit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ hit, resolve, reject });
      if (this.writers < WRITERS) {
        this.writers++;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.writeWithRetry(batch.map((p) => p.hit));
        for (const p of batch) p.resolve();
      } catch (err) {
        this.logger.error({ err, hits: batch.length }, 'could not record tracking hits');
        for (const p of batch) p.reject(err);
      }
    }
    this.writers--;
  }

  private async writeWithRetry(hits: TrackingHit[]): Promise<void> {
    const params = batchParams(hits);
    // Two batches (or instances) touching the same sends or counter shard in another order: run it again.
    await retry(
      // A named statement on the driver's pool: PostgreSQL parses and plans it once per connection.
      () => ((this.db.driver as PostgresDriver).master as Pool).query({ name: 'tracking_record_batch', text: RECORD_BATCH, values: [...params, randomShard()] }),
      { attempts: 5, retryIf: isTransientConflict },
    );
  }
}

/** Column arrays for RECORD_BATCH ($1..$9); the verdict here is everything but the delivery delay. */
function batchParams(hits: TrackingHit[]): unknown[] {
  const n = hits.length;
  const sendIds = new Array<string>(n), kinds = new Array<string>(n), machine = new Array<boolean>(n), reasons = new Array<string | null>(n);
  const urls = new Array<string | null>(n), agents = new Array<string | null>(n), ips = new Array<string | null>(n), ats = new Array<Date>(n);
  for (let i = 0; i < n; i++) {
    const h = hits[i];
    const verdict = h.kind === 'open' ? classifyOpen(h.userAgent, h.ip, h.method) : classifyClick(h.userAgent, h.ip, h.method, null);
    sendIds[i] = h.sendId;
    kinds[i] = h.kind;
    machine[i] = verdict.machine;
    reasons[i] = verdict.reason;
    urls[i] = h.url ?? null;
    agents[i] = h.userAgent?.slice(0, 500) ?? null;
    ips[i] = h.ip ?? null;
    ats[i] = h.at;
  }
  return [sendIds, kinds, machine, reasons, urls, agents, ips, ats, CLICK_TOO_FAST_MS];
}
