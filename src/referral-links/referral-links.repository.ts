import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeContains } from '../common/sql/like';
import { ratioBasisPoints } from '../money/money-format';
import { CodePathView } from './referral-links.dto';

export interface CodePathQuery {
  /** Only this referrer's codes. */
  referrerId?: string;
  /** Part of a code or of the referrer's name or company. */
  search?: string;
  limit: number;
  offset: number;
}

/** The SQL of referral link analytics: per code, visits (people, bots), sign-ups and paying suppliers. */
@Injectable()
export class ReferralLinksRepository {
  constructor(private readonly db: DataSource) {}

  async paths(q: CodePathQuery): Promise<{ rows: CodePathView[]; total: number }> {
    const search = q.search?.trim() ? likeContains(q.search.trim()) : null;
    const where = `($1::uuid IS NULL OR pc.referrer_id = $1) AND ($2::text IS NULL OR pc.code ILIKE $2 OR r.full_name ILIKE $2 OR r.company_name ILIKE $2)`;
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT pc.code, pc.status, pc.referrer_id, r.full_name, r.company_name,
              v.people, v.bots, a.sign_ups, a.link_sign_ups, a.paying, count(*) OVER () AS total
         FROM promo_codes pc JOIN referrers r ON r.id = pc.referrer_id
         CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE NOT bot)::int AS people, count(*) FILTER (WHERE bot)::int AS bots FROM link_visits WHERE promo_code_id = pc.id) v
         CROSS JOIN LATERAL (SELECT count(*)::int AS sign_ups, count(*) FILTER (WHERE via = 'link')::int AS link_sign_ups, count(*) FILTER (WHERE first_paid_at IS NOT NULL)::int AS paying
                               FROM supplier_attributions WHERE promo_code_id = pc.id) a
        WHERE ${where}
        ORDER BY v.people DESC, a.sign_ups DESC, pc.code
        LIMIT $3 OFFSET $4`,
      [q.referrerId ?? null, search, q.limit, q.offset],
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && q.offset > 0) {
      const [c] = await this.db.query(`SELECT count(*)::int AS n FROM promo_codes pc JOIN referrers r ON r.id = pc.referrer_id WHERE ${where}`, [q.referrerId ?? null, search]);
      total = c.n;
    }
    return {
      total,
      rows: rows.map((r) => ({
        code: r.code,
        status: r.status,
        referrerId: r.referrer_id,
        referrerName: r.full_name,
        referrerCompany: r.company_name,
        visitsPeople: r.people,
        visitsBots: r.bots,
        signUps: r.sign_ups,
        linkSignUps: r.link_sign_ups,
        paying: r.paying,
        visitToSignUpBp: ratioBasisPoints(r.link_sign_ups, r.people),
        signUpToPayingBp: ratioBasisPoints(r.paying, r.sign_ups),
      })),
    };
  }
}
