import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StatementContext } from './statement-events';

/** What a statement row names: the invoice number and supplier, the hold end, how a payout went, an adjustment's reason, whether it is a one-off bonus. */
@Injectable()
export class StatementContextService {
  constructor(private readonly db: DataSource) {}

  async forPostings(postingIds: string[]): Promise<Map<string, StatementContext>> {
    if (postingIds.length === 0) return new Map();
    const rows: Record<string, any>[] = await this.db.query(
      `WITH p AS (
         SELECT id, cause, cause_ref, metadata->>'bonusId' AS bonus_id, metadata->>'why' AS why,
                COALESCE(metadata->>'invoiceId', CASE WHEN cause IN ('invoice', 'hold_release') THEN cause_ref END) AS invoice_id
           FROM ledger_postings WHERE id = ANY($1::bigint[]))
       SELECT p.id::text AS posting_id, bi.number, s.company_name, COALESCE(cb.available_at, c.available_at) AS available_at, cb.id IS NOT NULL AS bonus, p.why,
              pi.method, pi.status, pi.failure_reason, pa.reason
         FROM p
         LEFT JOIN billing_invoices bi ON bi.stripe_invoice_id = p.invoice_id
         LEFT JOIN suppliers s ON s.id = bi.supplier_id
         LEFT JOIN commissions c ON c.invoice_id = p.invoice_id
         LEFT JOIN commission_bonuses cb ON cb.id::text = p.bonus_id
         LEFT JOIN payout_items pi ON p.cause = 'payout' AND pi.id::text = p.cause_ref
         LEFT JOIN payout_adjustments pa ON p.cause = 'adjustment' AND pa.id::text = p.cause_ref`,
      [[...new Set(postingIds)]],
    );
    return new Map(
      rows.map((r) => [
        r.posting_id,
        {
          invoiceNumber: r.number ?? null,
          supplierCompany: r.company_name ?? null,
          holdEndsAt: r.available_at ?? null,
          payoutMethod: r.method ?? null,
          payoutStatus: r.status ?? null,
          failureReason: r.failure_reason ?? null,
          adjustmentReason: r.reason ?? null,
          bonus: r.bonus === true,
          bonusIneligible: r.why === 'ineligible',
        },
      ]),
    );
  }
}
