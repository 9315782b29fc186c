import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The subscription facts of one attributed supplier, as supplierState reads them. */
export interface AttributedSupplierRow {
  first_paid_at: Date | null;
  stopped_at: Date | null;
  stripe_subscription_id: string | null;
  subscription_status: string | null;
}

/** One offer version as the offer page lists it. */
export interface OfferVersionRow {
  version: number;
  createdAt: Date;
  authorEmail: string | null;
  accepted: number;
}

/** The SQL of the admin's dashboard and offer page (read-only figures over several features' tables). */
@Injectable()
export class AdminConsoleRepository {
  constructor(private readonly db: DataSource) {}

  async referrerCount(): Promise<number> {
    const [r] = await this.db.query(`SELECT count(*)::int AS n FROM referrers`);
    return r.n;
  }

  /** Suppliers whose attribution in force now names a referrer (signed up with a code or link, not since moved to no one). */
  async attributedSuppliers(): Promise<AttributedSupplierRow[]> {
    return this.db.query(
      `SELECT a.first_paid_at, a.stopped_at, b.stripe_subscription_id, b.subscription_status
         FROM supplier_attributions a
         LEFT JOIN billing_accounts b ON b.supplier_id = a.supplier_id
         LEFT JOIN LATERAL (SELECT c.referrer_id FROM supplier_attribution_changes c
                             WHERE c.supplier_id = a.supplier_id AND c.valid_from <= now()
                             ORDER BY c.valid_from DESC LIMIT 1) ch ON true
        WHERE ch IS NULL OR ch.referrer_id IS NOT NULL`,
    );
  }

  /** What suppliers paid on invoices that earned a referrer a commission, paid in [from, to). */
  async attributedRevenue(currency: string, from: Date, to: Date): Promise<bigint> {
    const [r] = await this.db.query(
      `SELECT coalesce(sum(amount_paid), 0)::text AS total FROM commissions
        WHERE paid AND referrer_id IS NOT NULL AND currency = $1 AND paid_at >= $2 AND paid_at < $3`,
      [currency, from, to],
    );
    return BigInt(r.total);
  }

  /** Payout items paid in [from, to): how many and how much. */
  async payoutsPaid(currency: string, from: Date, to: Date): Promise<{ count: number; total: bigint }> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS n, coalesce(sum(amount), 0)::text AS total FROM payout_items
        WHERE status = 'paid' AND currency = $1 AND resolved_at >= $2 AND resolved_at < $3`,
      [currency, from, to],
    );
    return { count: r.n, total: BigInt(r.total) };
  }

  /** Every offer version, newest first, with its author's email and how many referrers accepted it. */
  async offerVersions(): Promise<OfferVersionRow[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT v.version, v.created_at, u.email, count(DISTINCT a.referrer_id)::int AS accepted
         FROM offer_versions v
         LEFT JOIN users u ON u.id = v.created_by
         LEFT JOIN offer_acceptances a ON a.offer_version = v.version
        GROUP BY v.version, v.created_at, u.email
        ORDER BY v.version DESC`,
    );
    return rows.map((r) => ({ version: r.version, createdAt: r.created_at, authorEmail: r.email, accepted: r.accepted }));
  }
}
