import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ratioBasisPoints, roundHalfUp } from '../../money/money-format';
import { ExchangeSettingsService } from '../settings/settings.service';
import { ExchangeAnalyticsView } from './analytics.dto';

/** Figures for the operator, computed with a few grouped queries (no per-member loops). */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: DataSource,
    private readonly settings: ExchangeSettingsService,
  ) {}

  /** Every figure is about the leads submitted in [from, to) (open ends: no limit). */
  async report(period: { from: Date | null; to: Date | null } = { from: null, to: null }): Promise<ExchangeAnalyticsView> {
    const s = await this.settings.get();
    // inPeriod(n): leads submitted in the period, whose bounds are parameters $n and $n+1.
    const inPeriod = (n: number) => `($${n}::timestamptz IS NULL OR l.created_at >= $${n}) AND ($${n + 1}::timestamptz IS NULL OR l.created_at < $${n + 1})`;
    const p = [period.from, period.to];
    const [sources, receivers, tags, [withOperator]] = await Promise.all([
      this.db.query(
        `SELECT l.submitter_member_id, coalesce(m.company_name, 'operator') AS company, l.channel, count(*)::int AS leads,
                count(*) FILTER (WHERE l.qualification = 'sales_ready')::int AS sales_ready, count(l.cost)::int AS with_cost, coalesce(sum(l.cost), 0)::bigint AS total_cost,
                count(*) FILTER (WHERE l.deal_status = 'won')::int AS won, coalesce(sum(l.won_value) FILTER (WHERE l.deal_status = 'won'), 0)::bigint AS won_value
           FROM exchange_leads l LEFT JOIN exchange_members m ON m.id = l.submitter_member_id
          WHERE ${inPeriod(1)}
          GROUP BY 1, 2, 3 ORDER BY leads DESC, company, channel`,
        p,
      ),
      this.db.query(
        `WITH a AS (
           SELECT member_id, count(*)::int AS offered, count(*) FILTER (WHERE state = 'accepted')::int AS accepted,
                  count(*) FILTER (WHERE state = 'declined')::int AS declined, count(*) FILTER (WHERE state = 'expired')::int AS expired
             FROM exchange_assignments x JOIN exchange_leads l ON l.id = x.lead_id WHERE ${inPeriod(2)} GROUP BY member_id),
         d AS (
           SELECT l.receiver_member_id AS member_id, count(*) FILTER (WHERE l.deal_status = 'won')::int AS won, count(*) FILTER (WHERE l.deal_status = 'lost')::int AS lost,
                  coalesce(sum(l.won_value) FILTER (WHERE l.deal_status = 'won'), 0)::bigint AS won_value,
                  round(avg(extract(epoch FROM l.first_contact_at - x.offered_at)) FILTER (WHERE l.first_contact_at IS NOT NULL))::int AS ttfc,
                  count(*) FILTER (WHERE l.deal_status NOT IN ('won','lost') AND l.status_changed_at < now() - make_interval(days => $1))::int AS stale
             FROM exchange_leads l JOIN exchange_assignments x ON x.lead_id = l.id AND x.member_id = l.receiver_member_id AND x.state = 'accepted'
            WHERE l.routing_state = 'accepted' AND ${inPeriod(2)} GROUP BY 1)
         SELECT m.id, m.company_name, a.offered, a.accepted, a.declined, a.expired, d.won, d.lost, d.won_value, d.ttfc, d.stale
           FROM exchange_members m LEFT JOIN a ON a.member_id = m.id LEFT JOIN d ON d.member_id = m.id
          WHERE m.status = 'admitted' OR a.offered > 0
          ORDER BY coalesce(d.won_value, 0) DESC, m.company_name, m.id`,
        [s.staleDays, ...p],
      ),
      this.db.query(
        `SELECT t.slug, l.receiver_member_id, m.company_name, count(*)::int AS closed, count(*) FILTER (WHERE l.deal_status = 'won')::int AS won
           FROM exchange_leads l CROSS JOIN LATERAL unnest(l.tag_ids) AS tg(id)
           JOIN exchange_tags t ON t.id = tg.id JOIN exchange_members m ON m.id = l.receiver_member_id
          WHERE l.deal_status IN ('won','lost') AND ${inPeriod(1)}
          GROUP BY 1, 2, 3`,
        p,
      ),
      this.db.query(`SELECT count(*)::int AS n FROM exchange_leads l WHERE l.routing_state = 'with_operator' AND ${inPeriod(1)}`, p),
    ]);
    return {
      currency: s.currency,
      from: period.from,
      to: period.to,
      bySource: sources.map((r: any) => ({
        memberId: r.submitter_member_id,
        memberCompany: r.company,
        channel: r.channel,
        leads: r.leads,
        salesReady: r.sales_ready,
        leadsWithCost: r.with_cost,
        totalCost: BigInt(r.total_cost),
        costPerLead: r.with_cost > 0 ? roundHalfUp(BigInt(r.total_cost), BigInt(r.with_cost)) : null,
        won: r.won,
        wonValue: BigInt(r.won_value),
        costPerWonDeal: r.won > 0 && r.with_cost > 0 ? roundHalfUp(BigInt(r.total_cost), BigInt(r.won)) : null,
      })),
      byReceiver: receivers.map((r: any) => {
        const offered = r.offered ?? 0, accepted = r.accepted ?? 0, declined = r.declined ?? 0, expired = r.expired ?? 0, won = r.won ?? 0, lost = r.lost ?? 0;
        return {
          memberId: r.id,
          memberCompany: r.company_name,
          offered,
          accepted,
          declined,
          expired,
          acceptanceRateBp: ratioBasisPoints(accepted, accepted + declined + expired),
          avgSecondsToFirstContact: r.ttfc ?? null,
          won,
          lost,
          winRateBp: ratioBasisPoints(won, won + lost),
          wonValue: BigInt(r.won_value ?? 0),
          stale: r.stale ?? 0,
        };
      }),
      tagConversion: tags
        .map((r: any) => ({ tag: r.slug, memberId: r.receiver_member_id, memberCompany: r.company_name, closed: r.closed, won: r.won, winRateBp: ratioBasisPoints(r.won, r.closed)! }))
        .sort((a: any, b: any) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : b.winRateBp - a.winRateBp || b.closed - a.closed)),
      withOperator: withOperator.n,
    };
  }
}
