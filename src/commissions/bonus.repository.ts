import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** One row of `commission_bonuses`: the attribution's one-off bonus, the first paid invoice it rides on, what is posted. */
export interface BonusRow {
  id: string;
  attribution_id: string;
  /** The attribution's first paid invoice (null until one is known). */
  invoice_id: string | null;
  supplier_id: string | null;
  referrer_id: string | null;
  currency: string | null;
  paid_at: Date | null;
  available_at: Date | null;
  released_at: Date | null;
  posted_pending: bigint;
  posted_available: bigint;
  adjustments: number;
}

/** The SQL of the one-off bonus: one row per attribution, locked like commission rows (after them). */
@Injectable()
export class BonusRepository {
  /** The attributions' bonus rows, created empty when missing, locked in attribution id order. */
  async lockBonuses(m: EntityManager, attributionIds: string[]): Promise<Map<string, BonusRow>> {
    if (attributionIds.length === 0) return new Map();
    const rows: BonusRow[] = await m.query(
      `INSERT INTO commission_bonuses (attribution_id) SELECT unnest($1::uuid[]) ORDER BY 1
       ON CONFLICT (attribution_id) DO UPDATE SET updated_at = now() RETURNING *`,
      [[...new Set(attributionIds)].sort()],
    );
    return new Map(rows.map((r) => [r.attribution_id, r]));
  }

  /** The bonus rows riding on these invoices, locked in id order. */
  async lockBonusesOfInvoices(m: EntityManager, invoiceIds: string[]): Promise<BonusRow[]> {
    if (invoiceIds.length === 0) return [];
    return m.query(`SELECT * FROM commission_bonuses WHERE invoice_id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...new Set(invoiceIds)]]);
  }

  /** Writes the rows' first payment, referrer, hold and posted amounts (one statement). */
  async saveBonuses(m: EntityManager, rows: BonusRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(f: (r: BonusRow) => T) => rows.map(f);
    await m.query(
      `UPDATE commission_bonuses b SET invoice_id = x.invoice_id, supplier_id = x.supplier_id, referrer_id = x.referrer_id, currency = x.currency,
              paid_at = x.paid_at, available_at = x.available_at, posted_pending = x.posted_pending, posted_available = x.posted_available,
              adjustments = x.adjustments, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::bigint[], $9::bigint[], $10::int[])
           AS x(id, invoice_id, supplier_id, referrer_id, currency, paid_at, available_at, posted_pending, posted_available, adjustments)
        WHERE b.id = x.id AND b.id = ANY($1::uuid[])`,
      [
        col((r) => r.id),
        col((r) => r.invoice_id),
        col((r) => r.supplier_id),
        col((r) => r.referrer_id),
        col((r) => r.currency),
        col((r) => r.paid_at?.toISOString() ?? null),
        col((r) => r.available_at?.toISOString() ?? null),
        col((r) => r.posted_pending.toString()),
        col((r) => r.posted_available.toString()),
        col((r) => r.adjustments),
      ],
    );
  }

  /** Claims (SKIP LOCKED) and releases up to `batch` bonuses whose hold ended: pending moves to available. */
  async releaseDue(m: EntityManager, now: Date, batch: number): Promise<{ id: string; invoice_id: string; referrer_id: string | null; supplier_id: string | null; currency: string | null; pending: bigint }[]> {
    const [rows]: [{ id: string; invoice_id: string; referrer_id: string | null; supplier_id: string | null; currency: string | null; pending: bigint }[], number] = await m.query(
      `WITH due AS (
         SELECT id, posted_pending AS pending FROM commission_bonuses
          WHERE invoice_id IS NOT NULL AND released_at IS NULL AND available_at <= $1
          ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE commission_bonuses b SET released_at = $1, posted_available = b.posted_available + b.posted_pending, posted_pending = 0, updated_at = now()
         FROM due WHERE b.id = due.id
       RETURNING b.id, b.invoice_id, b.referrer_id, b.supplier_id, b.currency, due.pending`,
      [now, batch],
    );
    return rows;
  }
}
