import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WaitingBatchRow {
  id: string;
  status: string;
  currency: string;
  itemCount: number;
  total: bigint;
  createdAt: Date;
  createdBy: string;
  creatorEmail: string | null;
}

export interface FailedItemRow {
  id: string;
  batchId: string;
  referrerId: string;
  amount: bigint;
  currency: string;
  failureReason: string | null;
  resolvedAt: Date | null;
}

/** The SQL of finance's dashboard: batches that wait for someone, failed payments. */
@Injectable()
export class FinanceConsoleRepository {
  constructor(private readonly db: DataSource) {}

  /** Batches waiting for approval or for execution, oldest first. */
  async openBatches(): Promise<WaitingBatchRow[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT b.id, b.status, b.currency, b.item_count, b.total, b.created_at, b.created_by, u.email
         FROM payout_batches b LEFT JOIN users u ON u.id = b.created_by
        WHERE b.status IN ('created', 'approved', 'executing') ORDER BY b.created_at, b.id LIMIT 200`,
    );
    return rows.map((r) => ({ id: r.id, status: r.status, currency: r.currency.trim(), itemCount: Number(r.item_count), total: BigInt(r.total), createdAt: r.created_at, createdBy: r.created_by, creatorEmail: r.email ?? null }));
  }

  /** Payments that failed since the instant, newest first (their money is back in available). */
  async failedItemsSince(since: Date, limit = 50): Promise<{ count: number; rows: FailedItemRow[] }> {
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM payout_items WHERE status = 'failed' AND resolved_at >= $1`, [since]);
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT id, batch_id, referrer_id, amount, currency, failure_reason, resolved_at FROM payout_items
        WHERE status = 'failed' AND resolved_at >= $1 ORDER BY resolved_at DESC, id LIMIT $2`,
      [since, limit],
    );
    return {
      count: Number(n),
      rows: rows.map((r) => ({ id: r.id, batchId: r.batch_id, referrerId: r.referrer_id, amount: BigInt(r.amount), currency: r.currency.trim(), failureReason: r.failure_reason, resolvedAt: r.resolved_at })),
    };
  }

  /** The batch each payout item belongs to (reconciliation links a payment to its batch page). */
  async batchesOfItems(itemIds: string[]): Promise<Map<string, string>> {
    const ids = itemIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (ids.length === 0) return new Map();
    const rows: { id: string; batch_id: string }[] = await this.db.query(`SELECT id, batch_id FROM payout_items WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.batch_id]));
  }

  /** Supplier of each invoice the platform knows (through its commissions). */
  async suppliersOfInvoices(invoiceIds: string[]): Promise<Map<string, string>> {
    if (invoiceIds.length === 0) return new Map();
    const rows: { invoice_id: string; supplier_id: string }[] = await this.db.query(`SELECT DISTINCT invoice_id, supplier_id FROM commissions WHERE invoice_id = ANY($1::text[])`, [invoiceIds]);
    return new Map(rows.map((r) => [r.invoice_id, r.supplier_id]));
  }

  /** Suppliers' company names by id (for sentences about their invoices). */
  async supplierNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; company_name: string }[] = await this.db.query(`SELECT id, company_name FROM suppliers WHERE id = ANY($1::uuid[])`, [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, r.company_name]));
  }

  /** The batch and referrer of payout items by item id (for links to the batch page). */
  async itemsByIds(ids: string[]): Promise<Map<string, { batchId: string; referrerId: string; createdAt: Date }>> {
    const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (valid.length === 0) return new Map();
    const rows: { id: string; batch_id: string; referrer_id: string; created_at: Date }[] = await this.db.query(
      `SELECT i.id, i.batch_id, i.referrer_id, b.created_at FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id WHERE i.id = ANY($1::uuid[])`,
      [valid],
    );
    return new Map(rows.map((r) => [r.id, { batchId: r.batch_id, referrerId: r.referrer_id, createdAt: r.created_at }]));
  }
}
