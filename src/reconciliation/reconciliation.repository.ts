import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface PayoutItemRow {
  id: string;
  amount: bigint;
  stripe_transfer_id: string | null;
  status: string;
  resolved_at: Date | null;
  method: string;
}

/** The SQL reconciliation reads: what the ledger recorded per invoice, payout items, and the period exports. */
@Injectable()
export class ReconciliationRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * What the ledger holds as each invoice's commission: the sum of the owner-account entries of its
   * commission postings (keys `commission:<invoice>[:n]`, n below the row's adjustments) and of any
   * other posting with cause invoice for it (e.g. entered by hand). Hold releases net to zero.
   */
  async recordedCommissions(invoiceIds: string[]): Promise<Map<string, bigint>> {
    const rows: { invoice_id: string; amount: bigint }[] = await this.db.query(
      `WITH keyed AS (
         SELECT c.invoice_id, 'commission:' || c.invoice_id || CASE WHEN k = 0 THEN '' ELSE ':' || k END AS key
           FROM commissions c CROSS JOIN LATERAL generate_series(0, GREATEST(c.adjustments - 1, 0)) k
          WHERE c.invoice_id = ANY($1::text[]))
       SELECT x.invoice_id, sum(x.amount)::bigint AS amount FROM (
         SELECT k.invoice_id, e.amount FROM keyed k JOIN ledger_postings p ON p.idempotency_key = k.key
           JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id WHERE a.owner_id IS NOT NULL
         UNION ALL
         SELECT p.cause_ref, e.amount FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
          WHERE p.cause = 'invoice' AND p.cause_ref = ANY($1::text[]) AND p.idempotency_key NOT LIKE 'commission:%' AND a.owner_id IS NOT NULL
       ) x GROUP BY x.invoice_id`,
      [invoiceIds],
    );
    return new Map(rows.map((r) => [r.invoice_id, r.amount]));
  }

  /** Invoices with a commission accrual (cause invoice) in the period, and what it put on owner accounts. */
  async commissionsAccruedIn(from: Date, to: Date): Promise<{ cause_ref: string; amount: bigint }[]> {
    return this.db.query(
      `SELECT p.cause_ref, (sum(e.amount) FILTER (WHERE a.owner_id IS NOT NULL))::bigint AS amount
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause = 'invoice' AND p.occurred_at >= $1 AND p.occurred_at < $2 GROUP BY p.cause_ref`,
      [from, to],
    );
  }

  async payoutItems(transferIds: string[], from: Date, to: Date): Promise<PayoutItemRow[]> {
    return this.db.query(
      `SELECT id, amount, stripe_transfer_id, status, resolved_at, method FROM payout_items
       WHERE stripe_transfer_id = ANY($1::text[]) OR (method = 'stripe_connect' AND status = 'paid' AND resolved_at >= $2 AND resolved_at < $3)`,
      [transferIds, from, to],
    );
  }

  async paidItemsMissingInLedger(from: Date, to: Date): Promise<{ id: string; amount: bigint }[]> {
    return this.db.query(
      `SELECT i.id, i.amount FROM payout_items i LEFT JOIN ledger_postings p ON p.idempotency_key = 'payout-paid:' || i.id
       WHERE i.status = 'paid' AND i.resolved_at >= $1 AND i.resolved_at < $2 AND p.id IS NULL`,
      [from, to],
    );
  }

  async commissionMovements(from: Date, to: Date): Promise<{ id: bigint; occurred_at: Date; cause: string; cause_ref: string; owner_id: string; kind: string; amount: bigint; currency: string }[]> {
    return this.db.query(
      `SELECT p.id, p.occurred_at, p.cause, p.cause_ref, a.owner_id, a.kind, e.amount, e.currency
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause IN ('invoice', 'refund', 'dispute', 'commission_correction', 'bonus', 'bonus_clawback') AND a.owner_id IS NOT NULL AND p.occurred_at >= $1 AND p.occurred_at < $2
       ORDER BY p.id, e.id`,
      [from, to],
    );
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
