import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../common/sql-rows';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DomainEvents } from '../events/domain-events';
import { parseSendId, verifyToken } from '../common/tracking-token';
import { bumpCounters, bumpManyCounters, readCounters, readMachineCounters } from './funnel-counters';
import { figuresFrom, ratesFrom } from './funnel-report';
import { FunnelMachineView, FunnelView, LeftOutView, MachineCausesView } from './funnel.dto';
import { FunnelErrorCode, FunnelException } from './funnel.exception';

/**
 * The funnel per campaign, from counters only. The lower stages follow the people the campaign
 * brought: a referrer registered through a campaign link, suppliers attributed to that referrer,
 * and their first payment. Those facts arrive as domain events inside their own transactions.
 */
@Injectable()
export class FunnelService implements OnModuleInit {
  private readonly logger = new Logger('Funnel');

  constructor(
    private readonly db: DataSource,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.on('referrer.registered', (m, e) => this.isolated(m, 'referrer.registered', () => this.onRegistered(m, e.referrerId, e.campaignToken)));
    this.events.on('supplier.attributed', (m, e) => this.isolated(m, 'supplier.attributed', () => this.onAttributed(m, e.supplierId, e.referrerId)));
    // Set-based: a group of paid invoices announces its first payments as one run (see onConverted).
    this.events.onMany('supplier.converted', (m, list) => this.onConverted(m, list.map((e) => e.supplierId)));
  }

  async funnel(campaignId: string, m: EntityManager = this.db.manager): Promise<FunnelView> {
    if (!/^[0-9a-f-]{36}$/i.test(campaignId)) throw this.notFound(campaignId);
    const [c] = await m.query(`SELECT id, name, status, listed, left_out FROM campaigns WHERE id = $1`, [campaignId]);
    if (!c) throw this.notFound(campaignId);
    const counters = await readCounters(m, campaignId);
    const figures = figuresFrom(Number(c.listed), counters);
    const lo = (c.left_out ?? {}) as Record<string, number>;
    const leftOut: LeftOutView = {
      unsubscribed: Number(lo.unsubscribed ?? 0),
      hardBounce: Number(lo.hard_bounce ?? 0),
      complaint: Number(lo.complaint ?? 0),
      manual: Number(lo.manual ?? 0),
      afterListing: counters.skipped,
      total: 0,
    };
    leftOut.total = leftOut.unsubscribed + leftOut.hardBounce + leftOut.complaint + leftOut.manual + leftOut.afterListing;
    return { campaignId, campaignName: c.name, status: c.status, figures, rates: ratesFrom(figures), machine: await this.machineCauses(m, campaignId), leftOut };
  }

  /**
   * openedMachine and clickedMachine by cause: each machine-only recipient counts once, under the
   * reason recorded with its first machine hit (for clicks, its first machine click). Read from the
   * machine counters the tracking batch keeps (a few rows per campaign, whatever its size).
   */
  private async machineCauses(m: EntityManager, campaignId: string): Promise<FunnelMachineView> {
    const zero = (): MachineCausesView => ({ privacyProxy: 0, scanner: 0, tooSoon: 0 });
    const out: FunnelMachineView = { opens: zero(), clicks: zero() };
    for (const r of await readMachineCounters(m, campaignId)) out[r.stage === 'open' ? 'opens' : 'clicks'][machineCause(r.reason || null)] += r.n;
    return out;
  }

  /**
   * Cumulative first opens and first clicks of recipients over time, people and machines apart (a
   * machine open that a person later follows moves to people, as in the counters). Up to `points`
   * evenly spaced instants from the campaign's start to its latest first event (or now).
   */
  async timeline(campaignId: string, points = 24, m: EntityManager = this.db.manager): Promise<{ from: Date | null; to: Date | null; at: Date[]; openPeople: number[]; openMachine: number[]; clickPeople: number[]; clickMachine: number[] }> {
    const [c] = await m.query(`SELECT started_at FROM campaigns WHERE id = $1`, [campaignId]);
    const empty = { from: null, to: null, at: [], openPeople: [], openMachine: [], clickPeople: [], clickMachine: [] };
    if (!c?.started_at) return empty;
    const rows: { at: Date; op: number; om: number; cp: number; cm: number }[] = await m.query(
      `WITH span AS (
         SELECT $2::timestamptz AS t0,
                greatest($2::timestamptz + interval '1 minute', (SELECT max(greatest(human_open_at, machine_open_at, human_click_at, machine_click_at)) FROM campaign_sends WHERE campaign_id = $1)) AS t1
       ), ticks AS (
         SELECT t0 + (t1 - t0) * g / ($3 - 1) AS at FROM span, generate_series(0, $3 - 1) g
       )
       SELECT k.at,
              count(s.human_open_at) FILTER (WHERE s.human_open_at <= k.at)::int AS op,
              count(*) FILTER (WHERE s.machine_open_at <= k.at AND (s.human_open_at IS NULL OR s.human_open_at > k.at))::int AS om,
              count(*) FILTER (WHERE s.human_click_at <= k.at)::int AS cp,
              count(*) FILTER (WHERE s.machine_click_at <= k.at AND (s.human_click_at IS NULL OR s.human_click_at > k.at))::int AS cm
         FROM ticks k
         LEFT JOIN campaign_sends s ON s.campaign_id = $1 AND (s.human_open_at IS NOT NULL OR s.machine_open_at IS NOT NULL)
        GROUP BY k.at ORDER BY k.at`,
      [campaignId, c.started_at, points],
    );
    return {
      from: rows[0]?.at ?? null,
      to: rows[rows.length - 1]?.at ?? null,
      at: rows.map((r) => r.at),
      openPeople: rows.map((r) => r.op),
      openMachine: rows.map((r) => r.om),
      clickPeople: rows.map((r) => r.cp),
      clickMachine: rows.map((r) => r.cm),
    };
  }

  /**
   * Funnel bookkeeping must never block the fact it follows (a registration, a payment): its
   * statements run under a savepoint and a failure is logged and rolled back to it.
   */
  private async isolated(m: EntityManager, event: string, work: () => Promise<void>): Promise<void> {
    await m.query('SAVEPOINT funnel_event');
    try {
      await work();
      await m.query('RELEASE SAVEPOINT funnel_event');
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT funnel_event');
      this.logger.error({ err, event }, 'funnel bookkeeping failed; the event itself goes on');
    }
  }

  private async onRegistered(m: EntityManager, referrerId: string, campaignToken?: string): Promise<void> {
    if (!campaignToken) return;
    const sendId = parseSendId(verifyToken(this.config.trackingSecret, 'r', campaignToken));
    if (!sendId || sendId === '0') {
      this.logger.warn({ referrerId }, 'registration carried an invalid campaign token; not attributed');
      return;
    }
    const rows = await m.query(
      `INSERT INTO campaign_referrers (referrer_id, campaign_id, send_id) SELECT $1, s.campaign_id, s.id FROM campaign_sends s WHERE s.id = $2
       ON CONFLICT (referrer_id) DO NOTHING RETURNING campaign_id`,
      [referrerId, sendId],
    );
    if (rows[0]) await bumpCounters(m, rows[0].campaign_id, { registered: 1 });
  }

  private async onAttributed(m: EntityManager, supplierId: string, referrerId: string): Promise<void> {
    const rows = await m.query(
      `INSERT INTO campaign_suppliers (supplier_id, referrer_id, campaign_id) SELECT $1, r.referrer_id, r.campaign_id FROM campaign_referrers r WHERE r.referrer_id = $2
       ON CONFLICT (supplier_id) DO NOTHING RETURNING campaign_id`,
      [supplierId, referrerId],
    );
    if (!rows[0]) return;
    const firstForReferrer = returnedRows(await m.query(`UPDATE campaign_referrers SET active_at = now() WHERE referrer_id = $1 AND active_at IS NULL RETURNING referrer_id`, [referrerId]));
    await bumpCounters(m, rows[0].campaign_id, { suppliers: 1, active_referrers: firstForReferrer.length });
  }

  /**
   * First payments (a run of them for a group of paid invoices). Most paying suppliers did not come
   * through a campaign: one read finds that, and only suppliers the funnel follows get the isolated
   * write (savepoint, one UPDATE, the counters per campaign).
   */
  private async onConverted(m: EntityManager, supplierIds: string[]): Promise<void> {
    const ids = [...new Set(supplierIds)];
    const followed: { supplier_id: string }[] = await m.query(`SELECT supplier_id FROM campaign_suppliers WHERE supplier_id = ANY($1::uuid[]) AND converted_at IS NULL`, [ids]);
    if (followed.length === 0) return;
    await this.isolated(m, 'supplier.converted', async () => {
      const rows: { campaign_id: string; n: number }[] = await m.query(
        `WITH c AS (UPDATE campaign_suppliers SET converted_at = now() WHERE supplier_id = ANY($1::uuid[]) AND converted_at IS NULL RETURNING campaign_id)
         SELECT campaign_id, count(*)::int AS n FROM c GROUP BY campaign_id`,
        [followed.map((r) => r.supplier_id)],
      );
      if (rows.length > 0) await bumpManyCounters(m, new Map(rows.map((r) => [r.campaign_id, { converted: r.n }])));
    });
  }

  private notFound(id: string): FunnelException {
    return new FunnelException(FunnelErrorCode.FUNNEL_CAMPAIGN_NOT_FOUND, `No campaign ${id}`);
  }
}

/** The cause a machine hit's recorded reason (src/tracking/machine-detection.ts) stands for. */
export function machineCause(reason: string | null): keyof MachineCausesView {
  if (reason === 'apple-privacy-proxy' || reason === 'privacy-proxy-agent') return 'privacyProxy';
  if (reason === 'too-soon-after-delivery') return 'tooSoon';
  return 'scanner';
}
