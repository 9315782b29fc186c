import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { supplierState } from '../commissions/earnings.service';
import { likeContains } from '../common/sql/like';
import { normalizeCode } from '../promo-codes/code-format';
import { normalizeTaxId } from '../referrers/company-identity';

export type PersonKind = 'referrer' | 'supplier';

/** One search result: a referrer (status = its code's) or a supplier (status = where its subscription is). */
export interface PersonHit {
  kind: PersonKind;
  id: string;
  name: string | null;
  company: string;
  email: string;
  taxId: string | null;
  code: string | null;
  status: string;
  createdAt: Date;
}

/** A supplier's commission on one invoice, as the commission code recorded it. */
export interface InvoiceCommission {
  invoiceId: string;
  referrerId: string | null;
  referrerName: string | null;
  referrerCompany: string | null;
  commissionBp: number | null;
  earned: bigint;
  currency: string | null;
  availableAt: Date | null;
  releasedAt: Date | null;
}

/** The SQL of the admin's people pages: one search over referrers and suppliers, a supplier's commissions. */
@Injectable()
export class AdminPeopleRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Referrers and suppliers whose name, email, company, tax id or promo code contains `q` (newest
   * first); without `q`, the latest referrers. `kinds` narrows the search (the attribution form
   * looks for referrers only).
   */
  async search(q: string, limit: number, offset: number, kinds: PersonKind[] = ['referrer', 'supplier']): Promise<{ rows: PersonHit[]; total: number }> {
    const text = q.trim();
    const any = text === '' ? null : likeContains(text);
    const tax = normalizeTaxId(text);
    const code = normalizeCode(text);
    const suppliers = kinds.includes('supplier') && any !== null;
    const rows: Record<string, any>[] = await this.db.query(
      `WITH hits AS (
         SELECT 'referrer' AS kind, r.id, r.full_name AS name, r.company_name AS company, u.email, r.company_tax_id AS tax_id,
                p.code, p.status, r.created_at, NULL::timestamptz AS first_paid_at, NULL::timestamptz AS stopped_at,
                NULL::text AS stripe_subscription_id, NULL::text AS subscription_status
           FROM referrers r JOIN users u ON u.id = r.user_id
           LEFT JOIN LATERAL (SELECT code, status FROM promo_codes WHERE referrer_id = r.id ORDER BY created_at LIMIT 1) p ON true
          WHERE $6::boolean AND ($1::text IS NULL OR r.full_name ILIKE $1 OR u.email ILIKE $1 OR r.company_name ILIKE $1
                OR r.company_tax_id LIKE $2 OR p.code LIKE $3)
         UNION ALL
         SELECT 'supplier', s.id, NULL, s.company_name, u.email, s.company_tax_id, p.code, NULL, s.created_at,
                a.first_paid_at, a.stopped_at, b.stripe_subscription_id, b.subscription_status
           FROM suppliers s JOIN users u ON u.id = s.user_id
           LEFT JOIN supplier_attributions a ON a.supplier_id = s.id
           LEFT JOIN promo_codes p ON p.id = a.promo_code_id
           LEFT JOIN billing_accounts b ON b.supplier_id = s.id
          WHERE $7::boolean AND (s.company_name ILIKE $1 OR u.email ILIKE $1 OR s.company_tax_id LIKE $2 OR p.code LIKE $3))
       SELECT *, count(*) OVER () AS total FROM hits ORDER BY created_at DESC, id LIMIT $4 OFFSET $5`,
      [any, tax === '' ? null : likeContains(tax), code === '' ? null : likeContains(code), limit, offset, kinds.includes('referrer'), suppliers],
    );
    return {
      total: rows.length > 0 ? Number(rows[0].total) : offset > 0 ? await this.countOnly(q, kinds) : 0,
      rows: rows.map((r) => ({
        kind: r.kind,
        id: r.id,
        name: r.name,
        company: r.company,
        email: r.email,
        taxId: r.tax_id,
        code: r.code,
        status: r.kind === 'referrer' ? (r.status ?? 'none') : supplierState(r),
        createdAt: r.created_at,
      })),
    };
  }

  /** The number of hits when the page asked for lies past the end. */
  private async countOnly(q: string, kinds: PersonKind[]): Promise<number> {
    return (await this.search(q, 1, 0, kinds)).total;
  }

  /** The commission recorded per invoice of a supplier (invoice id → commission). */
  async commissionsOfSupplier(supplierId: string): Promise<Map<string, InvoiceCommission>> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT c.invoice_id, c.referrer_id, r.full_name, r.company_name, c.commission_bp, c.currency, c.available_at, c.released_at,
              (c.posted_pending + c.posted_available + c.posted_disputed)::bigint AS earned
         FROM commissions c LEFT JOIN referrers r ON r.id = c.referrer_id
        WHERE c.supplier_id = $1`,
      [supplierId],
    );
    return new Map(
      rows.map((r) => [
        r.invoice_id,
        {
          invoiceId: r.invoice_id,
          referrerId: r.referrer_id,
          referrerName: r.full_name,
          referrerCompany: r.company_name,
          commissionBp: r.commission_bp,
          earned: BigInt(r.earned),
          currency: r.currency?.trim() ?? null,
          availableAt: r.available_at,
          releasedAt: r.released_at,
        },
      ]),
    );
  }

  /** The supplier's first paid invoice as the commission code recorded it; null before any payment or without attribution. */
  async firstPaidAt(supplierId: string): Promise<Date | null> {
    const [row] = await this.db.query(`SELECT first_paid_at FROM supplier_attributions WHERE supplier_id = $1`, [supplierId]);
    return row?.first_paid_at ?? null;
  }

  async referrerExists(id: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM referrers WHERE id = $1`, [id])).length > 0;
  }
}
