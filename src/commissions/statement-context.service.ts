import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerReadRepository } from '../ledger/ledger-read.repository';
import { PostingCause } from '../ledger/ledger.types';
import { StatementContext } from './statement-events';

interface ContextRow {
  posting_id: string;
  number: string | null;
  company_name: string | null;
  available_at: Date | null;
  bonus: boolean;
  why: string | null;
  method: string | null;
  status: string | null;
  failure_reason: string | null;
  reason: string | null;
}

/** What a statement row names: the invoice number and supplier, the hold end, how a payout went, an adjustment's reason, whether it is a one-off bonus. */
@Injectable()
export class StatementContextService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerReadRepository,
  ) {}

  async forPostings(postingIds: string[]): Promise<Map<string, StatementContext>> {
    if (postingIds.length === 0) return new Map();
    const heads = await this.ledger.postingHeads(postingIds);
    if (heads.length === 0) return new Map();
    // As metadata->>'field' reads them: a string or a number as text, anything else null.
    const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
    const rows: ContextRow[] = await this.db.query(
      `WITH p AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS p(id, cause, cause_ref, bonus_id, why, invoice_id))
       SELECT p.id AS posting_id, bi.number, s.company_name, COALESCE(cb.available_at, c.available_at) AS available_at, cb.id IS NOT NULL AS bonus, p.why,
              pi.method, pi.status, pi.failure_reason, pa.reason
         FROM p
         LEFT JOIN billing_invoices bi ON bi.stripe_invoice_id = p.invoice_id
         LEFT JOIN suppliers s ON s.id = bi.supplier_id
         LEFT JOIN commissions c ON c.invoice_id = p.invoice_id
         LEFT JOIN commission_bonuses cb ON cb.id::text = p.bonus_id
         LEFT JOIN payout_items pi ON p.cause = 'payout' AND pi.id::text = p.cause_ref
         LEFT JOIN payout_adjustments pa ON p.cause = 'adjustment' AND pa.id::text = p.cause_ref`,
      [
        heads.map((h) => h.postingId),
        heads.map((h) => h.cause),
        heads.map((h) => h.causeRef),
        heads.map((h) => text(h.metadata.bonusId)),
        heads.map((h) => text(h.metadata.why)),
        heads.map((h) => text(h.metadata.invoiceId) ?? (h.cause === PostingCause.Invoice || h.cause === PostingCause.HoldRelease ? h.causeRef : null)),
      ],
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
