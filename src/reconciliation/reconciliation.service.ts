import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { AuthUser } from '../auth/access.decorators';
import { toCsv } from '../common/csv/csv';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { StripeClient } from '../stripe/stripe.client';
import { ReconciliationDifferenceView, ReconciliationView } from './reconciliation.dto';

/** Invoices may be paid long after they were created; look this far back for invoices paid in the period. */
const INVOICE_LOOKBACK_SECONDS = 120 * 24 * 3600;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Compares the ledger and payout records with Stripe for a period: invoices paid vs commissions
 * accrued (postings with cause invoice, cause_ref = invoice id) and transfers made vs payouts
 * recorded, listing every difference.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly audit: FinanceAuditService,
  ) {}

  async run(from: Date, to: Date, actor: AuthUser): Promise<ReconciliationView> {
    const differences: ReconciliationDifferenceView[] = [];
    const inPeriod = (unix: number | null | undefined) => unix != null && unix >= seconds(from) && unix < seconds(to);

    // Invoices paid in Stripe during the period.
    const paid: Stripe.Invoice[] = [];
    for await (const inv of this.stripe.api.invoices.list({ status: 'paid', created: { gte: seconds(from) - INVOICE_LOOKBACK_SECONDS, lt: seconds(to) }, limit: 100 })) {
      if (inPeriod(inv.status_transitions?.paid_at)) paid.push(inv);
    }
    const paidIds = paid.map((i) => i.id!);
    const customerIds = paid.map((i) => (typeof i.customer === 'string' ? i.customer : (i.customer?.id ?? '')));
    // Which of them belong to a referred supplier (an attribution not stopped before payment).
    const referred: { invoice_id: string }[] = await this.db.query(
      `SELECT x.invoice_id FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(invoice_id, customer_id, paid_at)
       JOIN billing_accounts b ON b.stripe_customer_id = x.customer_id
       JOIN supplier_attributions a ON a.supplier_id = b.supplier_id AND (a.stopped_at IS NULL OR a.stopped_at > x.paid_at)`,
      [paidIds, customerIds, paid.map((i) => new Date(i.status_transitions!.paid_at! * 1000))],
    );
    const referredIds = new Set(referred.map((r) => r.invoice_id));
    const withCommission: { cause_ref: string }[] = await this.db.query(`SELECT DISTINCT cause_ref FROM ledger_postings WHERE cause = 'invoice' AND cause_ref = ANY($1::text[])`, [paidIds]);
    const commissioned = new Set(withCommission.map((r) => r.cause_ref));
    for (const inv of paid) {
      if (referredIds.has(inv.id!) && !commissioned.has(inv.id!) && (inv.amount_paid ?? 0) > 0) {
        differences.push({ kind: 'paid_invoice_without_commission', ref: inv.id!, stripeAmount: String(inv.amount_paid), recordedAmount: null, detail: 'Stripe shows the invoice of a referred supplier paid, but no commission was accrued' });
      }
    }
    const ledgerCommissions: { cause_ref: string; amount: bigint }[] = await this.db.query(
      `SELECT p.cause_ref, sum(e.amount) FILTER (WHERE a.owner_id IS NOT NULL) AS amount
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause = 'invoice' AND p.occurred_at >= $1 AND p.occurred_at < $2 GROUP BY p.cause_ref`,
      [from, to],
    );
    const paidSet = new Set(paidIds);
    for (const c of ledgerCommissions) {
      if (paidSet.has(c.cause_ref)) continue;
      const inv = await this.stripe.api.invoices.retrieve(c.cause_ref).catch(() => null);
      if (!inv || inv.status !== 'paid') {
        differences.push({ kind: 'commission_without_paid_invoice', ref: c.cause_ref, stripeAmount: inv ? String(inv.amount_paid) : null, recordedAmount: String(c.amount), detail: inv ? `Stripe shows the invoice ${inv.status}` : 'Stripe does not know the invoice' });
      }
    }

    // Transfers made in Stripe vs payout items recorded paid.
    const transfers: Stripe.Transfer[] = [];
    for await (const t of this.stripe.api.transfers.list({ created: { gte: seconds(from), lt: seconds(to) }, limit: 100 })) transfers.push(t);
    const items: { id: string; amount: bigint; stripe_transfer_id: string | null; status: string; resolved_at: Date | null; method: string }[] = await this.db.query(
      `SELECT id, amount, stripe_transfer_id, status, resolved_at, method FROM payout_items
       WHERE stripe_transfer_id = ANY($1::text[]) OR (method = 'stripe_connect' AND status = 'paid' AND resolved_at >= $2 AND resolved_at < $3)`,
      [transfers.map((t) => t.id), from, to],
    );
    const byTransfer = new Map(items.filter((i) => i.stripe_transfer_id).map((i) => [i.stripe_transfer_id!, i]));
    const perItem = new Map<string, string[]>();
    for (const t of transfers) {
      const itemId = t.metadata?.payout_item_id;
      if (itemId) perItem.set(itemId, [...(perItem.get(itemId) ?? []), t.id]);
      const item = byTransfer.get(t.id);
      if (!item || item.status !== 'paid') {
        differences.push({ kind: 'transfer_without_payout', ref: t.id, stripeAmount: String(t.amount), recordedAmount: null, detail: `No paid payout item records this transfer${itemId ? ` (metadata names item ${itemId})` : ''}` });
      } else if (BigInt(t.amount) !== item.amount) {
        differences.push({ kind: 'amount_mismatch', ref: t.id, stripeAmount: String(t.amount), recordedAmount: item.amount.toString(), detail: `Payout item ${item.id} recorded a different amount` });
      }
    }
    for (const [itemId, ids] of perItem) {
      if (ids.length > 1) differences.push({ kind: 'duplicate_transfer', ref: itemId, stripeAmount: null, recordedAmount: null, detail: `Stripe holds ${ids.length} transfers for one payout item: ${ids.join(', ')}` });
    }
    const transferIds = new Set(transfers.map((t) => t.id));
    const recorded = items.filter((i) => i.method === 'stripe_connect' && i.status === 'paid' && i.resolved_at && i.resolved_at >= from && i.resolved_at < to);
    for (const item of recorded) {
      if (item.stripe_transfer_id && transferIds.has(item.stripe_transfer_id)) continue;
      const t = item.stripe_transfer_id ? await this.stripe.api.transfers.retrieve(item.stripe_transfer_id).catch(() => null) : null;
      if (!t) differences.push({ kind: 'payout_without_transfer', ref: item.id, stripeAmount: null, recordedAmount: item.amount.toString(), detail: 'The payout item is recorded paid but Stripe has no such transfer' });
    }
    const missingInLedger: { id: string; amount: bigint }[] = await this.db.query(
      `SELECT i.id, i.amount FROM payout_items i LEFT JOIN ledger_postings p ON p.idempotency_key = 'payout-paid:' || i.id
       WHERE i.status = 'paid' AND i.resolved_at >= $1 AND i.resolved_at < $2 AND p.id IS NULL`,
      [from, to],
    );
    for (const i of missingInLedger) differences.push({ kind: 'payout_not_in_ledger', ref: i.id, stripeAmount: null, recordedAmount: i.amount.toString(), detail: 'Recorded paid but the ledger has no in-transit → paid posting' });

    const view: ReconciliationView = {
      from,
      to,
      stripePaidInvoices: paid.length,
      referredPaidInvoices: referredIds.size,
      ledgerCommissions: ledgerCommissions.length,
      stripeTransfers: transfers.length,
      stripeTransfersTotal: transfers.reduce((s, t) => s + BigInt(t.amount), 0n).toString(),
      recordedPayouts: recorded.length,
      recordedPayoutsTotal: recorded.reduce((s, i) => s + i.amount, 0n).toString(),
      differences,
    };
    await this.db.transaction((m) =>
      this.audit.record(m, actor, {
        action: FinanceAction.Reconcile,
        subjectType: 'period',
        subjectId: `${from.toISOString()}/${to.toISOString()}`,
        details: { differences: differences.length, stripeTransfers: view.stripeTransfers, recordedPayouts: view.recordedPayouts },
      }),
    );
    return view;
  }

  /** Commission movements (accruals, refunds, disputes) on referrer accounts in the period. */
  async commissionsCsv(from: Date, to: Date): Promise<string> {
    const rows = await this.db.query(
      `SELECT p.id, p.occurred_at, p.cause, p.cause_ref, a.owner_id, a.kind, e.amount, e.currency
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause IN ('invoice', 'refund', 'dispute') AND a.owner_id IS NOT NULL AND p.occurred_at >= $1 AND p.occurred_at < $2
       ORDER BY p.id, e.id`,
      [from, to],
    );
    return toCsv(
      ['posting_id', 'occurred_at', 'cause', 'invoice_or_ref', 'referrer_id', 'account', 'amount_minor', 'currency'],
      rows.map((r: Record<string, any>) => [r.id, r.occurred_at, r.cause, r.cause_ref, r.owner_id, r.kind, r.amount, r.currency.trim()]),
    );
  }

  /** Payout items paid or failed in the period. */
  async payoutsCsv(from: Date, to: Date): Promise<string> {
    const rows = await this.db.query(
      `SELECT i.id, i.batch_id, i.referrer_id, u.email, i.method, i.amount, i.currency, i.status, i.stripe_transfer_id, i.failure_reason, i.resolved_at
       FROM payout_items i JOIN referrers r ON r.id = i.referrer_id JOIN users u ON u.id = r.user_id
       WHERE i.status IN ('paid', 'failed') AND i.resolved_at >= $1 AND i.resolved_at < $2 ORDER BY i.resolved_at, i.id`,
      [from, to],
    );
    return toCsv(
      ['item_id', 'batch_id', 'referrer_id', 'email', 'method', 'amount_minor', 'currency', 'status', 'stripe_transfer_id', 'failure_reason', 'resolved_at'],
      rows.map((r: Record<string, any>) => [r.id, r.batch_id, r.referrer_id, r.email, r.method, r.amount, r.currency.trim(), r.status, r.stripe_transfer_id, r.failure_reason, r.resolved_at]),
    );
  }
}
