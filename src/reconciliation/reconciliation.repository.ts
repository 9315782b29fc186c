import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerReadRepository, OwnerEntryRow } from '../ledger/ledger-read.repository';
import { PostingCause } from '../ledger/ledger.types';

export interface PayoutItemRow {
  id: string;
  amount: bigint;
  stripe_transfer_id: string | null;
  status: string;
  resolved_at: Date | null;
  method: string;
}

/** The postings that move commission (the commissions export). */
const COMMISSION_CAUSES = [PostingCause.Invoice, PostingCause.Refund, PostingCause.Dispute, PostingCause.CommissionCorrection, PostingCause.Bonus, PostingCause.BonusClawback];

/** The SQL reconciliation reads: payout items and the period exports; what the ledger recorded per invoice it asks the ledger. */
@Injectable()
export class ReconciliationRepository {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerReadRepository,
  ) {}

  /**
   * What the ledger holds as each invoice's commission: the sum of the owner-account entries of its
   * commission postings (keys `commission:<invoice>[:n]`, n below the row's adjustments) and of any
   * other posting with cause invoice for it (e.g. entered by hand). Hold releases net to zero.
   */
  async recordedCommissions(invoiceIds: string[]): Promise<Map<string, bigint>> {
    if (invoiceIds.length === 0) return new Map();
    const keyed: { invoice_id: string; key: string }[] = await this.db.query(
      `SELECT c.invoice_id, 'commission:' || c.invoice_id || CASE WHEN k = 0 THEN '' ELSE ':' || k END AS key
         FROM commissions c CROSS JOIN LATERAL generate_series(0, GREATEST(c.adjustments - 1, 0)) k
        WHERE c.invoice_id = ANY($1::text[])`,
      [invoiceIds],
    );
    const invoiceOfKey = new Map(keyed.map((k) => [k.key, k.invoice_id]));
    const [byKey, byCause] = await Promise.all([
      this.ledger.ownerNetByKeys([...invoiceOfKey.keys()]),
      this.ledger.ownerNetByCause(PostingCause.Invoice, invoiceIds),
    ]);
    const out = new Map<string, bigint>();
    const add = (invoiceId: string, net: bigint) => out.set(invoiceId, (out.get(invoiceId) ?? 0n) + net);
    for (const p of byKey) add(invoiceOfKey.get(p.idempotencyKey)!, p.net);
    for (const p of byCause) if (!p.idempotencyKey.startsWith('commission:')) add(p.causeRef, p.net);
    return out;
  }

  /** Invoices with a commission accrual (cause invoice) in the period, and what it put on owner accounts. */
  async commissionsAccruedIn(from: Date, to: Date): Promise<{ cause_ref: string; amount: bigint | null }[]> {
    const rows = await this.ledger.ownerNetOfCauseIn(PostingCause.Invoice, from, to);
    return rows.map((r) => ({ cause_ref: r.causeRef, amount: r.net }));
  }

  async payoutItems(transferIds: string[], from: Date, to: Date): Promise<PayoutItemRow[]> {
    return this.db.query(
      `SELECT id, amount, stripe_transfer_id, status, resolved_at, method FROM payout_items
       WHERE stripe_transfer_id = ANY($1::text[]) OR (method = 'stripe_connect' AND status = 'paid' AND resolved_at >= $2 AND resolved_at < $3)`,
      [transferIds, from, to],
    );
  }

  /** Items paid in the period without their in transit → paid posting (key `payout-paid:<item>`). */
  async paidItemsMissingInLedger(from: Date, to: Date): Promise<{ id: string; amount: bigint }[]> {
    const rows = await this.ledger.withoutPosting<{ id: string; amount: bigint; idempotency_key: string }>({
      sql: `SELECT i.id, i.amount, 'payout-paid:' || i.id AS idempotency_key FROM payout_items i WHERE i.status = 'paid' AND i.resolved_at >= $1 AND i.resolved_at < $2`,
      params: [from, to],
    });
    return rows.map((r) => ({ id: r.id, amount: r.amount }));
  }

  /** Commission movements (accruals, refunds, disputes, corrections, one-off bonuses and their clawbacks) on owner accounts in the period. */
  async commissionMovements(from: Date, to: Date): Promise<OwnerEntryRow[]> {
    return this.ledger.ownerEntries(COMMISSION_CAUSES, from, to);
  }

  async resolvedPayoutItems(from: Date, to: Date): Promise<
    { id: string; batch_id: string; referrer_id: string; email: string; method: string; amount: bigint; currency: string; status: string; stripe_transfer_id: string | null; failure_reason: string | null; resolved_at: Date }[]
  > {
    return this.db.query(
      `SELECT i.id, i.batch_id, i.referrer_id, u.email, i.method, i.amount, i.currency, i.status, i.stripe_transfer_id, i.failure_reason, i.resolved_at
       FROM payout_items i
         LEFT JOIN referrers r ON r.id = i.payee_referrer_id LEFT JOIN exchange_members em ON em.id = i.payee_member_id
         JOIN users u ON u.id = coalesce(r.user_id, em.user_id)
       WHERE i.status IN ('paid', 'failed') AND i.resolved_at >= $1 AND i.resolved_at < $2 ORDER BY i.resolved_at, i.id`,
      [from, to],
    );
  }
}
