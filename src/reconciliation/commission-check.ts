import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { ExpectedCommissions } from '../commissions/expected-commission';
import { InvoicePayment, invoicePayment } from '../commissions/stripe-invoice';
import { formatBasisPoints } from '../money/money';
import { StripeClient } from '../stripe/stripe.client';
import { ReconciliationDifferenceView } from './reconciliation.dto';
import { ReconciliationRepository } from './reconciliation.repository';

/** Invoices may be paid long after they were created; look this far back for invoices paid in the period. */
const INVOICE_LOOKBACK_SECONDS = 120 * 24 * 3600;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export interface CommissionCheckResult {
  stripePaidInvoices: number;
  /** Paid invoices that earn a commission (by the same rules as the webhooks). */
  earningInvoices: number;
  ledgerCommissions: number;
  /** Amount paid on those invoices, minor units. */
  stripePaidTotal: bigint;
  /** Commission the rules expect for them, minor units. */
  expectedCommissionTotal: bigint;
  /** Commission the ledger accrued in the period (cause invoice, owner accounts), minor units. */
  ledgerCommissionTotal: bigint;
  differences: ReconciliationDifferenceView[];
}

/**
 * Invoices Stripe shows paid in the period against the commission the ledger holds for each: the
 * expected commission comes from ExpectedCommissions (the webhooks' eligibility and amount rules),
 * so an invoice beyond the commission months expects none, and one that earned too much is found.
 */
@Injectable()
export class CommissionCheck {
  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly expected: ExpectedCommissions,
    private readonly repo: ReconciliationRepository,
  ) {}

  async run(from: Date, to: Date): Promise<CommissionCheckResult> {
    const paid: InvoicePayment[] = [];
    for await (const inv of this.stripe.api.invoices.list({ status: 'paid', created: { gte: seconds(from) - INVOICE_LOOKBACK_SECONDS, lt: seconds(to) }, limit: 100 })) {
      const p = invoicePayment(inv);
      if (p && p.paidAt >= from && p.paidAt < to) paid.push(p);
    }
    const differences: ReconciliationDifferenceView[] = [];
    const expected = await this.expected.of(this.db.manager, paid);
    const recorded = await this.repo.recordedCommissions(paid.map((p) => p.invoiceId));
    const paidAt = new Map(paid.map((p) => [p.invoiceId, p.paidAt]));
    for (const e of expected) {
      const got = recorded.get(e.invoiceId) ?? 0n;
      if (got === e.commission) continue;
      const rule = e.commissionBp === null ? 'no commission is due (no attribution, outside the commission months or after the stop date)' : `${formatBasisPoints(e.commissionBp)} of ${e.netPaid} net paid, tax excluded, is ${e.commission}`;
      differences.push(
        got === 0n
          ? { kind: 'paid_invoice_without_commission', ref: e.invoiceId, stripeAmount: e.netPaid.toString(), recordedAmount: null, detail: `Stripe shows the invoice of a referred supplier paid: ${rule}, but no commission was accrued`, supplierId: e.supplierId, expectedAmount: e.commission.toString(), paidAt: paidAt.get(e.invoiceId) }
          : { kind: 'commission_mismatch', ref: e.invoiceId, stripeAmount: e.commission.toString(), recordedAmount: got.toString(), detail: `The ledger holds ${got} as the invoice's commission; ${rule}`, supplierId: e.supplierId, expectedAmount: e.commission.toString(), paidAt: paidAt.get(e.invoiceId) },
      );
    }

    const accrued = await this.repo.commissionsAccruedIn(from, to);
    const paidIds = new Set(paid.map((p) => p.invoiceId));
    for (const c of accrued) {
      if (paidIds.has(c.cause_ref)) continue;
      const inv: Stripe.Invoice | null = await this.stripe.api.invoices.retrieve(c.cause_ref).catch(() => null);
      if (!inv || inv.status !== 'paid') {
        differences.push({
          kind: 'commission_without_paid_invoice',
          ref: c.cause_ref,
          stripeAmount: inv ? String(inv.amount_paid) : null,
          recordedAmount: String(c.amount),
          detail: inv ? `Stripe shows the invoice ${inv.status}` : 'Stripe does not know the invoice',
          stripeStatus: inv ? inv.status : null,
        });
      }
    }
    return {
      stripePaidInvoices: paid.length,
      earningInvoices: expected.filter((e) => e.commissionBp !== null).length,
      ledgerCommissions: accrued.length,
      stripePaidTotal: paid.reduce((sum, p) => sum + p.amountPaid, 0n),
      expectedCommissionTotal: expected.reduce((sum, e) => sum + e.commission, 0n),
      ledgerCommissionTotal: accrued.reduce((sum, c) => sum + BigInt(c.amount ?? 0), 0n),
      differences,
    };
  }
}
