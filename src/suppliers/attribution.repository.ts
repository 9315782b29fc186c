import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The referrer and the terms locked for them, in force for a supplier's invoice. */
export interface AttributionInForce {
  /** The supplier's redemption record (supplier_attributions.id). */
  attributionId: string;
  /** The admin change that put these terms in force; null: the terms locked at redemption. */
  changeId: string | null;
  referrerId: string;
  discountBp: number;
  commissionBp: number;
  commissionMonths: number | null;
  currency: string;
}

export interface InForceKey {
  supplierId: string;
  paidAt: Date;
}

/** The redemption record with what the change rules need, locked. */
export interface LockedAttribution {
  id: string;
  supplier_id: string;
  referrer_id: string;
  first_paid_at: Date | null;
}

export interface NewChange {
  supplierId: string;
  attributionId: string;
  referrerId: string | null;
  promoCodeId: string | null;
  discountBp: number | null;
  commissionBp: number | null;
  commissionMonths: number | null;
  currency: string | null;
  previousReferrerId: string | null;
  reason: string;
  changedBy: string;
}

export interface HistoryRow {
  change_id: string | null;
  valid_from: Date | null;
  referrer_id: string | null;
  referrer_name: string | null;
  referrer_company: string | null;
  code: string | null;
  discount_bp: number | null;
  commission_bp: number | null;
  commission_months: number | null;
  currency: string | null;
  via: string;
  reason: string | null;
  changed_by_email: string | null;
  created_at: Date;
}

interface InForceRow {
  i: string;
  attribution_id: string | null;
  change_id: string | null;
  referrer_id: string | null;
  discount_bp: number | null;
  commission_bp: number | null;
  commission_months: number | null;
  currency: string | null;
}

/** SQL of supplier attributions and their admin changes. */
@Injectable()
export class AttributionRepository {
  /**
   * For each (supplier, paid at): the latest change with valid_from <= paid at, else the redemption;
   * null where the supplier has no attribution or was moved to no one. One statement for any number.
   */
  async inForceMany(m: EntityManager, keys: InForceKey[]): Promise<(AttributionInForce | null)[]> {
    if (keys.length === 0) return [];
    const rows: InForceRow[] = await m.query(
      `SELECT k.i, a.id AS attribution_id, c.id AS change_id,
              CASE WHEN c.id IS NULL THEN a.referrer_id ELSE c.referrer_id END AS referrer_id,
              CASE WHEN c.id IS NULL THEN a.discount_bp ELSE c.discount_bp END AS discount_bp,
              CASE WHEN c.id IS NULL THEN a.commission_bp ELSE c.commission_bp END AS commission_bp,
              CASE WHEN c.id IS NULL THEN a.commission_months ELSE c.commission_months END AS commission_months,
              CASE WHEN c.id IS NULL THEN a.currency ELSE c.currency END AS currency
         FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS k(supplier_id, paid_at, i)
         LEFT JOIN supplier_attributions a ON a.supplier_id = k.supplier_id AND a.supplier_id = ANY($1::uuid[])
         LEFT JOIN LATERAL (
           SELECT * FROM supplier_attribution_changes x
            WHERE x.supplier_id = k.supplier_id AND x.valid_from <= k.paid_at
            ORDER BY x.valid_from DESC LIMIT 1) c ON true
        ORDER BY k.i`,
      [keys.map((k) => k.supplierId), keys.map((k) => k.paidAt.toISOString())],
    );
    return rows.map((r) =>
      r.attribution_id === null || r.referrer_id === null
        ? null
        : {
            attributionId: r.attribution_id,
            changeId: r.change_id,
            referrerId: r.referrer_id,
            discountBp: r.discount_bp!,
            commissionBp: r.commission_bp!,
            commissionMonths: r.commission_months,
            currency: r.currency!.trim(),
          },
    );
  }

  /** The redemption record, locked like the commission code locks it (changes and payments take turns). */
  async lockAttribution(m: EntityManager, supplierId: string): Promise<LockedAttribution | null> {
    const [row] = await m.query(`SELECT id, supplier_id, referrer_id, first_paid_at FROM supplier_attributions WHERE supplier_id = $1 FOR UPDATE`, [supplierId]);
    return row ?? null;
  }

  async supplier(m: EntityManager, supplierId: string): Promise<{ id: string; company_tax_id: string; email_domain: string; company_name: string } | null> {
    const [row] = await m.query(`SELECT id, company_tax_id, email_domain, company_name FROM suppliers WHERE id = $1`, [supplierId]);
    return row ?? null;
  }

  async referrer(m: EntityManager, referrerId: string): Promise<{ id: string; company_tax_id: string | null; email_domain: string } | null> {
    const [row] = await m.query(`SELECT id, company_tax_id, email_domain FROM referrers WHERE id = $1`, [referrerId]);
    return row ?? null;
  }

  /** The referrer's promo code (newest), recorded with the change for the record; null if they have none. */
  async codeOf(m: EntityManager, referrerId: string): Promise<string | null> {
    const [row] = await m.query(`SELECT id FROM promo_codes WHERE referrer_id = $1 ORDER BY created_at DESC LIMIT 1`, [referrerId]);
    return row?.id ?? null;
  }

  /** Inserts the change, valid from the transaction's time (after every earlier change of the supplier). */
  async insertChange(m: EntityManager, c: NewChange): Promise<{ id: string; valid_from: Date }> {
    const [row] = await m.query(
      `INSERT INTO supplier_attribution_changes
         (supplier_id, attribution_id, valid_from, referrer_id, promo_code_id, discount_bp, commission_bp, commission_months, currency,
          previous_referrer_id, reason, changed_by)
       VALUES ($1, $2, GREATEST(now(), (SELECT max(valid_from) + interval '1 microsecond' FROM supplier_attribution_changes WHERE supplier_id = $1)),
               $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING id, valid_from`,
      [c.supplierId, c.attributionId, c.referrerId, c.promoCodeId, c.discountBp, c.commissionBp, c.commissionMonths, c.currency, c.previousReferrerId, c.reason, c.changedBy],
    );
    return row;
  }

  /** The redemption, then every change, oldest first. */
  async history(m: EntityManager, supplierId: string): Promise<HistoryRow[]> {
    return m.query(
      `SELECT NULL::uuid AS change_id, NULL::timestamptz AS valid_from, a.referrer_id, r.full_name AS referrer_name, r.company_name AS referrer_company,
              p.code, a.discount_bp, a.commission_bp, a.commission_months, a.currency, a.via, NULL::text AS reason, NULL::text AS changed_by_email,
              a.created_at, 0 AS ord
         FROM supplier_attributions a JOIN referrers r ON r.id = a.referrer_id JOIN promo_codes p ON p.id = a.promo_code_id
        WHERE a.supplier_id = $1
       UNION ALL
       SELECT c.id, c.valid_from, c.referrer_id, r.full_name, r.company_name, p.code, c.discount_bp, c.commission_bp, c.commission_months, c.currency,
              'admin', c.reason, u.email, c.created_at, 1
         FROM supplier_attribution_changes c LEFT JOIN referrers r ON r.id = c.referrer_id LEFT JOIN promo_codes p ON p.id = c.promo_code_id
         JOIN users u ON u.id = c.changed_by
        WHERE c.supplier_id = $1
        ORDER BY ord, valid_from NULLS FIRST`,
      [supplierId],
    );
  }

  /** The supplier's first paid invoice as the commission code recorded it; null before any payment. */
  async firstPaidAt(m: EntityManager, supplierId: string): Promise<Date | null> {
    const [row] = await m.query(`SELECT first_paid_at FROM supplier_attributions WHERE supplier_id = $1`, [supplierId]);
    return row?.first_paid_at ?? null;
  }
}
