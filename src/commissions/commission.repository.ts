import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AttributionTerms, BonusMode } from './commission-rules';
import { AttributionInForce, AttributionService } from '../suppliers/attribution.service';

/** One row of `commissions`: an invoice's payment facts, the rate it was judged to earn, what is posted. */
export interface CommissionRow {
  id: string;
  invoice_id: string;
  supplier_id: string | null;
  attribution_id: string | null;
  referrer_id: string | null;
  currency: string | null;
  commission_bp: number | null;
  paid: boolean;
  amount_paid: bigint;
  total: bigint;
  total_excluding_tax: bigint;
  paid_at: Date | null;
  available_at: Date | null;
  released_at: Date | null;
  posted_pending: bigint;
  posted_available: bigint;
  posted_disputed: bigint;
  adjustments: number;
}

/** The attribution that applies to an invoice, with its locked terms. */
export interface AttributionRow {
  id: string;
  supplier_id: string;
  referrer_id: string;
  commission_bp: number;
  commission_months: number | null;
  currency: string;
  first_paid_at: Date | null;
  stopped_at: Date | null;
  /** The one-off bonus locked at redemption (minor units; 0 = none) and how it combines with the percentage. */
  bonus_amount: bigint;
  bonus_mode: BonusMode;
}

export function termsOf(a: AttributionRow): AttributionTerms {
  return { commissionBp: a.commission_bp, commissionMonths: a.commission_months, firstPaidAt: a.first_paid_at, stoppedAt: a.stopped_at, bonusAmount: BigInt(a.bonus_amount ?? 0n), bonusMode: a.bonus_mode };
}

/**
 * The supplier's attribution as an admin's change put it in force: the new referrer and its locked
 * rate, while the months still count from the supplier's first payment, which stays on (and is
 * written through to) the sign-up record.
 */
function movedAttribution(base: AttributionRow, terms: AttributionInForce): AttributionRow {
  return {
    id: base.id,
    supplier_id: base.supplier_id,
    referrer_id: terms.referrerId,
    commission_bp: terms.commissionBp,
    commission_months: terms.commissionMonths,
    currency: terms.currency,
    // The bonus stays as locked at redemption; it goes to the referrer in force at the first payment.
    bonus_amount: base.bonus_amount,
    bonus_mode: base.bonus_mode,
    get first_paid_at() {
      return base.first_paid_at;
    },
    set first_paid_at(value: Date | null) {
      base.first_paid_at = value;
    },
    get stopped_at() {
      return base.stopped_at;
    },
    set stopped_at(value: Date | null) {
      base.stopped_at = value;
    },
  };
}

const ATTRIBUTION_COLUMNS = `a.id, a.supplier_id, a.referrer_id, a.commission_bp, a.commission_months, a.currency, a.first_paid_at, a.stopped_at, a.bonus_amount, a.bonus_mode`;

/** Rows lockCommissions made in memory for invoices without one, not inserted yet (saveCommissions inserts them). */
const unsaved = new WeakSet<CommissionRow>();

function emptyCommission(invoiceId: string): CommissionRow {
  return {
    id: randomUUID(),
    invoice_id: invoiceId,
    supplier_id: null,
    attribution_id: null,
    referrer_id: null,
    currency: null,
    commission_bp: null,
    paid: false,
    amount_paid: 0n,
    total: 0n,
    total_excluding_tax: 0n,
    paid_at: null,
    available_at: null,
    released_at: null,
    posted_pending: 0n,
    posted_available: 0n,
    posted_disputed: 0n,
    adjustments: 0,
  };
}

/** The written columns of commission rows as parallel arrays ($1..$16), for unnest. */
const COMMISSION_ARRAYS = `$1::uuid[], $2::boolean[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::int[], $8::bigint[], $9::bigint[], $10::bigint[],
                     $11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::bigint[], $15::bigint[], $16::int[]`;
const COMMISSION_FIELDS = `id, paid, supplier_id, attribution_id, referrer_id, currency, commission_bp, amount_paid, total, total_excluding_tax,
                paid_at, available_at, posted_pending, posted_available, posted_disputed, adjustments`;

function commissionColumns(rows: CommissionRow[]): unknown[] {
  const col = <T>(f: (r: CommissionRow) => T) => rows.map(f);
  const big = (v: bigint) => v.toString();
  return [
    col((r) => r.id),
    col((r) => r.paid),
    col((r) => r.supplier_id),
    col((r) => r.attribution_id),
    col((r) => r.referrer_id),
    col((r) => r.currency),
    col((r) => r.commission_bp),
    col((r) => big(r.amount_paid)),
    col((r) => big(r.total)),
    col((r) => big(r.total_excluding_tax)),
    col((r) => r.paid_at?.toISOString() ?? null),
    col((r) => r.available_at?.toISOString() ?? null),
    col((r) => big(r.posted_pending)),
    col((r) => big(r.posted_available)),
    col((r) => big(r.posted_disputed)),
    col((r) => r.adjustments),
  ];
}

/** The SQL of the commission money path: commission rows, attributions as commissions see them, payment facts. */
@Injectable()
export class CommissionRepository {
  constructor(private readonly attributions: AttributionService) {}

  async suppliersOfCustomers(m: EntityManager, customers: string[]): Promise<Map<string, string>> {
    const rows: { stripe_customer_id: string; supplier_id: string }[] = await m.query(
      `SELECT stripe_customer_id, supplier_id FROM billing_accounts WHERE stripe_customer_id = ANY($1::text[])`,
      [[...new Set(customers)]],
    );
    return new Map(rows.map((r) => [r.stripe_customer_id, r.supplier_id]));
  }

  /**
   * THE lookup of which attribution applies to an invoice (the supplier's attribution in force when
   * it was paid), for each invoice in input order; `lock` takes the rows FOR UPDATE in id order.
   * An admin's change of attribution (src/suppliers) applies to invoices paid after it.
   */
  async attributionsForInvoices(m: EntityManager, invoices: { supplierId: string; paidAt: Date }[], lock: boolean): Promise<(AttributionRow | null)[]> {
    const rows: AttributionRow[] = await m.query(
      `SELECT ${ATTRIBUTION_COLUMNS} FROM supplier_attributions a WHERE a.supplier_id = ANY($1::uuid[]) ORDER BY a.id ${lock ? 'FOR UPDATE OF a' : ''}`,
      [[...new Set(invoices.map((i) => i.supplierId))]],
    );
    const bySupplier = new Map(rows.map((r) => [r.supplier_id, r]));
    // An admin may have moved the supplier since it signed up: the terms in force at the payment win.
    const inForce = await this.attributions.inForceAtMany(m, invoices);
    return invoices.map((i, k) => {
      const base = bySupplier.get(i.supplierId);
      const terms = inForce[k];
      if (!base || !terms) return null;
      return terms.changeId === null ? base : movedAttribution(base, terms);
    });
  }

  async attributionsByIds(m: EntityManager, ids: string[]): Promise<Map<string, AttributionRow>> {
    const rows: AttributionRow[] = await m.query(`SELECT ${ATTRIBUTION_COLUMNS} FROM supplier_attributions a WHERE a.id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async setFirstPaidAt(m: EntityManager, attributions: AttributionRow[]): Promise<void> {
    if (attributions.length === 0) return;
    // `a.id = ANY($1)` as well: the rows by their key, never a scan of the table joined to the list.
    await m.query(`UPDATE supplier_attributions a SET first_paid_at = x.first_paid_at FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, first_paid_at) WHERE a.id = x.id AND a.id = ANY($1::uuid[])`, [
      attributions.map((a) => a.id),
      attributions.map((a) => a.first_paid_at?.toISOString() ?? null),
    ]);
  }

  /** Keeps the earliest end date of the supplier's attribution; returns it locked (null: not referred). */
  async stopAttribution(m: EntityManager, supplierId: string, endedAt: Date): Promise<AttributionRow | null> {
    const [rows]: [AttributionRow[], number] = await m.query(
      `UPDATE supplier_attributions a SET stopped_at = LEAST(COALESCE(a.stopped_at, $2), $2) WHERE a.supplier_id = $1 RETURNING ${ATTRIBUTION_COLUMNS}`,
      [supplierId, endedAt],
    );
    return rows[0] ?? null;
  }

  async holdDays(m: EntityManager): Promise<number> {
    const [row]: { hold_days: number }[] = await m.query(`SELECT hold_days FROM program_settings WHERE id = 1`);
    return row?.hold_days ?? 0;
  }

  /**
   * The invoices' commission rows, locked (FOR UPDATE, invoice id order); an invoice without one
   * gets a new empty row in memory, inserted by saveCommissions (one row version, not an empty
   * insert and an update). Two transactions that both create the same invoice's row cannot both
   * commit: the second insert fails on the unique invoice id and its transaction is redone
   * (the inbox processes a failed group event by event), then finding the row.
   */
  async lockCommissions(m: EntityManager, invoiceIds: string[]): Promise<Map<string, CommissionRow>> {
    const ids = [...new Set(invoiceIds)].sort();
    const rows: CommissionRow[] = await m.query(`SELECT * FROM commissions WHERE invoice_id = ANY($1::text[]) ORDER BY invoice_id FOR UPDATE`, [ids]);
    const byInvoice = new Map(rows.map((r) => [r.invoice_id, r]));
    for (const invoiceId of ids) {
      if (byInvoice.has(invoiceId)) continue;
      const row = emptyCommission(invoiceId);
      unsaved.add(row);
      byInvoice.set(invoiceId, row);
    }
    return byInvoice;
  }

  /** Every paid commission row of the attributions, locked in invoice id order. */
  async lockPaidOfAttributions(m: EntityManager, attributionIds: string[]): Promise<CommissionRow[]> {
    if (attributionIds.length === 0) return [];
    return m.query(`SELECT * FROM commissions WHERE attribution_id = ANY($1::uuid[]) AND paid ORDER BY invoice_id FOR UPDATE`, [attributionIds]);
  }

  /** Writes the rows' facts, judged rate and posted amounts: new rows inserted, the others updated (a statement each). */
  async saveCommissions(m: EntityManager, rows: CommissionRow[]): Promise<void> {
    const fresh = rows.filter((r) => unsaved.has(r));
    const stored = rows.filter((r) => !unsaved.has(r));
    if (fresh.length > 0) {
      await m.query(
        `INSERT INTO commissions (id, invoice_id, paid, supplier_id, attribution_id, referrer_id, currency, commission_bp, amount_paid, total, total_excluding_tax,
                                  paid_at, available_at, posted_pending, posted_available, posted_disputed, adjustments)
         SELECT x.id, x.invoice_id, x.paid, x.supplier_id, x.attribution_id, x.referrer_id, x.currency, x.commission_bp, x.amount_paid, x.total, x.total_excluding_tax,
                x.paid_at, x.available_at, x.posted_pending, x.posted_available, x.posted_disputed, x.adjustments
           FROM unnest(${COMMISSION_ARRAYS}, $17::text[])
             AS x(${COMMISSION_FIELDS}, invoice_id)
          ORDER BY x.invoice_id`,
        [...commissionColumns(fresh), fresh.map((r) => r.invoice_id)],
      );
      for (const r of fresh) unsaved.delete(r);
    }
    if (stored.length === 0) return;
    await m.query(
      `UPDATE commissions c SET paid = x.paid, supplier_id = x.supplier_id, attribution_id = x.attribution_id, referrer_id = x.referrer_id, currency = x.currency,
              commission_bp = x.commission_bp, amount_paid = x.amount_paid, total = x.total, total_excluding_tax = x.total_excluding_tax, paid_at = x.paid_at,
              available_at = x.available_at, posted_pending = x.posted_pending, posted_available = x.posted_available, posted_disputed = x.posted_disputed,
              adjustments = x.adjustments, updated_at = now()
         FROM unnest(${COMMISSION_ARRAYS}) AS x(${COMMISSION_FIELDS})
        WHERE c.id = x.id AND c.id = ANY($1::uuid[])`,
      commissionColumns(stored),
    );
  }

  /** Claims (SKIP LOCKED) and releases up to `batch` commissions whose hold ended: pending moves to available. */
  async releaseDue(m: EntityManager, now: Date, batch: number): Promise<{ id: string; invoice_id: string; referrer_id: string | null; supplier_id: string | null; currency: string | null; pending: bigint }[]> {
    const [rows]: [{ id: string; invoice_id: string; referrer_id: string | null; supplier_id: string | null; currency: string | null; pending: bigint }[], number] = await m.query(
      `WITH due AS (
         SELECT id, posted_pending AS pending FROM commissions
          WHERE paid AND released_at IS NULL AND available_at <= $1
          ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE commissions c SET released_at = $1, posted_available = c.posted_available + c.posted_pending, posted_pending = 0, updated_at = now()
         FROM due WHERE c.id = due.id
       RETURNING c.id, c.invoice_id, c.referrer_id, c.supplier_id, c.currency, due.pending`,
      [now, batch],
    );
    return rows;
  }
}
