import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvents } from '../../events/domain-events';
import { JobsService } from '../../jobs/jobs.service';
import { NotificationService } from '../../mail/notifications.service';
import { ExchangeErrorCode, ExchangeException } from '../exchange.exception';
import { ExchangeSettingsService } from '../settings/settings.service';
import { assignBatch, LeadToRoute, MemberCandidate } from './match';

export const EXPIRE_OFFERS_JOB = 'exchange.expire-offers';
export const ROUTE_PENDING_JOB = 'exchange.route-pending';

/** Serializes capacity bookkeeping between routers; lead rows themselves are claimed with SKIP LOCKED. */
const CAPACITY_LOCK = 884455;

export interface RouteResult {
  routed: number;
  withOperator: number;
}

/**
 * Routes sales-ready leads, a batch at a time, in one transaction per batch:
 *  1. claim pending leads with SELECT … FOR UPDATE SKIP LOCKED (two routers never claim one lead);
 *  2. load admitted members with capacity left this week and their win history per tag, once;
 *  3. choose in memory (match.ts), then write all offers with one INSERT … SELECT unnest(…) and
 *     one UPDATE. The partial unique index exchange_assignments_one_active is the last word: a lead
 *     can never hold two live assignments.
 */
@Injectable()
export class RoutingService implements OnModuleInit {
  private readonly logger = new Logger('ExchangeRouting');

  constructor(
    private readonly db: DataSource,
    private readonly settings: ExchangeSettingsService,
    private readonly jobs: JobsService,
    private readonly notifications: NotificationService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: EXPIRE_OFFERS_JOB, cron: '* * * * *', retryLimit: 3, handler: async () => void (await this.expireOffers()) });
    this.jobs.register({ name: ROUTE_PENDING_JOB, cron: '* * * * *', retryLimit: 3, handler: async () => void (await this.routePending()) });
  }

  /** Routes the given leads (those still pending), or up to `batchSize` of the best pending leads. */
  async routeLeads(ids?: string[], batchSize = 1000): Promise<RouteResult> {
    if (ids && ids.length === 0) return { routed: 0, withOperator: 0 };
    return this.db.transaction(async (m) => {
      const leadRows: any[] = await m.query(
        `SELECT id, submitter_member_id, budget, tag_ids, region, company_size FROM exchange_leads
          WHERE routing_state = 'pending' AND ($1::uuid[] IS NULL OR id = ANY($1))
          ORDER BY score DESC, created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [ids ?? null, batchSize],
      );
      if (leadRows.length === 0) return { routed: 0, withOperator: 0 };
      await m.query('SELECT pg_advisory_xact_lock($1)', [CAPACITY_LOCK]);
      const leadIds = leadRows.map((r) => r.id as string);
      // One connection per transaction: these run one after another.
      const members = await this.candidates(m);
      const excluded = await this.excluded(m, leadIds);
      const { acceptTimeoutMinutes, routingMode } = await this.settings.get(m);
      const leads: LeadToRoute[] = leadRows.map((r) => ({
        id: r.id,
        submitterMemberId: r.submitter_member_id,
        budget: BigInt(r.budget),
        tagIds: r.tag_ids,
        region: r.region,
        companySize: r.company_size,
        excluded: excluded.get(r.id) ?? new Set(),
      }));
      const choice = assignBatch(leads, members, routingMode);
      const toLead: string[] = [];
      const toMember: string[] = [];
      const nobody: string[] = [];
      for (const [leadId, memberId] of choice) {
        if (memberId) {
          toLead.push(leadId);
          toMember.push(memberId);
        } else nobody.push(leadId);
      }
      if (toLead.length > 0) {
        const offers: { id: string; lead_id: string; member_id: string; expires_at: Date }[] = await m.query(
          `INSERT INTO exchange_assignments (lead_id, member_id, state, expires_at)
           SELECT l, mb, 'offered', now() + make_interval(mins => $3) FROM unnest($1::uuid[], $2::uuid[]) AS x(l, mb)
           RETURNING id::text AS id, lead_id, member_id, expires_at`,
          [toLead, toMember, acceptTimeoutMinutes],
        );
        await this.notifications.notifyMembers(
          m,
          'partner.lead_offered',
          offers.map((o) => ({ memberId: o.member_id, payload: { memberId: o.member_id, leadId: o.lead_id, assignmentId: o.id, expiresAt: new Date(o.expires_at).toISOString() } })),
        );
        await this.events.publishMany(
          m,
          'lead.routed',
          offers.map((o) => ({ leadId: o.lead_id, memberId: o.member_id, assignmentId: o.id, expiresAt: new Date(o.expires_at).toISOString() })),
        );
        await m.query(
          `UPDATE exchange_leads SET routing_state = 'offered', receiver_member_id = x.mb, flag = NULL
             FROM unnest($1::uuid[], $2::uuid[]) AS x(l, mb) WHERE id = x.l`,
          [toLead, toMember],
        );
      }
      if (nobody.length > 0) {
        await m.query(`UPDATE exchange_leads SET routing_state = 'with_operator', receiver_member_id = NULL, flag = 'no_matching_member' WHERE id = ANY($1)`, [nobody]);
      }
      return { routed: toLead.length, withOperator: nobody.length };
    });
  }

  /**
   * Routing right after a commit (submission, decline, lapse). The fact is already saved; if routing
   * fails now the lead simply stays pending and the every-minute job routes it.
   */
  async routeAfterCommit(ids: string[]): Promise<RouteResult> {
    const total = { routed: 0, withOperator: 0 };
    try {
      for (let i = 0; i < ids.length; i += 1000) {
        const r = await this.routeLeads(ids.slice(i, i + 1000), 1000);
        total.routed += r.routed;
        total.withOperator += r.withOperator;
      }
      return total;
    } catch (err) {
      this.logger.warn({ err, leads: ids.length }, 'routing deferred to the job');
      return total;
    }
  }

  /** Routes every pending lead, batch after batch, until none is left (cron job, CLI, benchmark). */
  async routePending(batchSize = 1000, onBatch?: (r: RouteResult) => void): Promise<RouteResult> {
    const total = { routed: 0, withOperator: 0 };
    for (;;) {
      const r = await this.routeLeads(undefined, batchSize);
      if (r.routed + r.withOperator === 0) return total;
      total.routed += r.routed;
      total.withOperator += r.withOperator;
      onBatch?.(r);
    }
  }

  async pendingCount(): Promise<number> {
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM exchange_leads WHERE routing_state = 'pending'`);
    return n;
  }

  /** The operator sends a lead left with it (or any pending one) through routing again. */
  async retry(leadId: string): Promise<RouteResult> {
    const [row] = await this.db.query(
      `WITH again AS (
         UPDATE exchange_leads SET routing_state = 'pending', flag = NULL
          WHERE id = $1 AND routing_state IN ('with_operator','pending') AND qualification = 'sales_ready' RETURNING id)
       SELECT id FROM again`,
      [leadId],
    );
    if (!row) {
      const [exists] = await this.db.query(`SELECT routing_state FROM exchange_leads WHERE id = $1`, [leadId]);
      if (!exists) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
      throw new ExchangeException(ExchangeErrorCode.NO_OPEN_OFFER, `Only sales-ready leads left with the operator can be routed again (this one is ${exists.routing_state})`);
    }
    return this.routeLeads([leadId]);
  }

  /** The offered member accepts: the lead is its to work; the deal starts at "accepted". */
  async accept(leadId: string, memberId: string, actorId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const offer = await this.lockOffer(m, leadId, memberId);
      await m.query(`UPDATE exchange_assignments SET state = 'accepted', responded_at = now() WHERE id = $1`, [offer.id]);
      await m.query(`UPDATE exchange_leads SET routing_state = 'accepted', deal_status = 'accepted', status_changed_at = now() WHERE id = $1`, [leadId]);
      await m.query(`INSERT INTO exchange_deal_events (lead_id, member_id, status, actor_id) VALUES ($1, $2, 'accepted', $3)`, [leadId, memberId, actorId]);
    });
  }

  /** The offered member declines: the lead goes to the next best member (never back to this one). */
  async decline(leadId: string, memberId: string, reason: string | undefined): Promise<RouteResult> {
    await this.db.transaction(async (m) => {
      const offer = await this.lockOffer(m, leadId, memberId);
      await m.query(`UPDATE exchange_assignments SET state = 'declined', responded_at = now(), decline_reason = $2 WHERE id = $1`, [offer.id, reason ?? null]);
      await m.query(`UPDATE exchange_leads SET routing_state = 'pending', receiver_member_id = NULL WHERE id = $1`, [leadId]);
    });
    return this.routeAfterCommit([leadId]);
  }

  /**
   * Takes live offers back from partners' inboxes (the lead was disqualified or moved to nurture, or
   * the member was suspended or expelled), in the caller's transaction. The leads become `then`:
   * `pending` to go to the next best member (never back to this one), `not_routed` to stay out.
   * Returns the leads withdrawn.
   */
  async withdrawOffers(m: EntityManager, where: { leadIds?: string[]; memberId?: string }, reason: string, then: 'pending' | 'not_routed'): Promise<string[]> {
    const rows: { lead_id: string }[] = await m.query(
      `WITH taken AS (
         UPDATE exchange_assignments SET state = 'withdrawn', responded_at = now(), withdraw_reason = $3
          WHERE state = 'offered' AND ($1::uuid[] IS NULL OR lead_id = ANY($1)) AND ($2::uuid IS NULL OR member_id = $2)
          RETURNING lead_id)
       SELECT lead_id FROM taken`,
      [where.leadIds ?? null, where.memberId ?? null, reason],
    );
    const ids = rows.map((r) => r.lead_id);
    if (ids.length > 0) await m.query(`UPDATE exchange_leads SET routing_state = $2, receiver_member_id = NULL WHERE id = ANY($1) AND routing_state = 'offered'`, [ids, then]);
    return ids;
  }

  /** Offers not answered in time lapse; their leads go to the next best member. Safe in several instances at once. */
  async expireOffers(): Promise<RouteResult & { expired: number }> {
    const leadIds: string[] = await this.db.transaction(async (m) => {
      // A CTE, because TypeORM answers a bare UPDATE … RETURNING with [rows, count].
      const rows = await m.query(
        `WITH lapsed AS (
           UPDATE exchange_assignments SET state = 'expired', responded_at = now()
            WHERE id IN (SELECT id FROM exchange_assignments WHERE state = 'offered' AND expires_at <= now() ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
            RETURNING lead_id)
         SELECT lead_id FROM lapsed`,
      );
      const ids = rows.map((r: any) => r.lead_id as string);
      if (ids.length > 0) await m.query(`UPDATE exchange_leads SET routing_state = 'pending', receiver_member_id = NULL WHERE id = ANY($1) AND routing_state = 'offered'`, [ids]);
      return ids;
    });
    const r = await this.routeAfterCommit(leadIds);
    if (leadIds.length > 0) this.logger.log({ expired: leadIds.length, ...r }, 'lapsed offers rerouted');
    return { expired: leadIds.length, ...r };
  }

  /** The live offer of this lead to this member, locked; assignment row first, then the lead (one lock order everywhere). */
  private async lockOffer(m: EntityManager, leadId: string, memberId: string): Promise<{ id: string }> {
    const [offer] = await m.query(`SELECT id, expires_at <= now() AS lapsed FROM exchange_assignments WHERE lead_id = $1 AND member_id = $2 AND state = 'offered' FOR UPDATE`, [
      leadId,
      memberId,
    ]);
    if (!offer) throw new ExchangeException(ExchangeErrorCode.NO_OPEN_OFFER, 'This lead is not offered to your company (it may have been answered already)');
    if (offer.lapsed) throw new ExchangeException(ExchangeErrorCode.OFFER_EXPIRED, 'The time to answer this offer has run out; it goes to the next member');
    await m.query(`SELECT id FROM exchange_leads WHERE id = $1 FOR UPDATE`, [leadId]);
    return { id: String(offer.id) };
  }

  private async candidates(m: EntityManager): Promise<MemberCandidate[]> {
    const rows: any[] = await m.query(
      `SELECT mb.id, mb.threshold, mb.tag_ids, mb.regions, mb.company_sizes, mb.weekly_capacity, mb.weekly_capacity - coalesce(u.used, 0) AS remaining
         FROM exchange_members mb
         LEFT JOIN (SELECT member_id, count(*)::int AS used FROM exchange_assignments
                     WHERE state IN ('offered','accepted') AND offered_at >= date_trunc('week', now()) GROUP BY member_id) u ON u.member_id = mb.id
        WHERE mb.status = 'admitted' AND mb.weekly_capacity > coalesce(u.used, 0)`,
    );
    const history: any[] = await m.query(
      `SELECT l.receiver_member_id AS member_id, t.tag_id, count(*) FILTER (WHERE l.deal_status = 'won')::int AS won, count(*)::int AS closed
         FROM exchange_leads l CROSS JOIN LATERAL unnest(l.tag_ids) AS t(tag_id)
        WHERE l.deal_status IN ('won','lost') AND l.receiver_member_id IS NOT NULL
        GROUP BY 1, 2`,
    );
    const byMember = new Map<string, Map<number, { won: number; closed: number }>>();
    for (const h of history) {
      const map = byMember.get(h.member_id) ?? new Map();
      map.set(h.tag_id, { won: h.won, closed: h.closed });
      byMember.set(h.member_id, map);
    }
    return rows.map((r) => ({
      id: r.id,
      threshold: BigInt(r.threshold),
      tagIds: r.tag_ids,
      regions: r.regions,
      companySizes: r.company_sizes ?? [],
      capacity: Number(r.weekly_capacity),
      remaining: Number(r.remaining),
      history: byMember.get(r.id) ?? new Map(),
    }));
  }

  private async excluded(m: EntityManager, leadIds: string[]): Promise<Map<string, Set<string>>> {
    const rows: any[] = await m.query(`SELECT lead_id, member_id FROM exchange_assignments WHERE lead_id = ANY($1)`, [leadIds]);
    const out = new Map<string, Set<string>>();
    for (const r of rows) out.set(r.lead_id, (out.get(r.lead_id) ?? new Set()).add(r.member_id));
    return out;
  }
}
