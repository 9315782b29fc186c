import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { eligibleRate, netPaid, refundedAmount, splitTotal, targetSplit } from './commission-rules';
import { NO_FACTS, CommissionFactsRepository } from './commission-facts.repository';
import { CommissionRepository, termsOf } from './commission.repository';
import { InvoicePayment } from './stripe-invoice';

export interface ExpectedCommission {
  invoiceId: string;
  supplierId: string | null;
  referrerId: string | null;
  /** The locked rate the invoice earns (null: no attribution, outside the months, after the stop date). */
  commissionBp: number | null;
  /** Net paid: amount paid less the refunds that stand and lost disputes (tax included). */
  netPaid: bigint;
  /** What the commission must total (pending + available + disputed). */
  commission: bigint;
}

/**
 * What paid invoices must have earned, by the same rules and the same attribution lookup as the
 * webhook use cases (for reconciliation and any other check): months counted from the earliest
 * payment known (the attribution's, or an earlier one among these invoices), amount from
 * commission-rules with the refunds and disputes recorded for the invoice.
 */
@Injectable()
export class ExpectedCommissions {
  constructor(
    private readonly commissions: CommissionRepository,
    private readonly facts: CommissionFactsRepository,
  ) {}

  async of(m: EntityManager, payments: InvoicePayment[]): Promise<ExpectedCommission[]> {
    const customers = await this.commissions.suppliersOfCustomers(
      m,
      payments.map((p) => p.customer),
    );
    const withSupplier = payments.map((p) => ({ p, supplierId: customers.get(p.customer) ?? p.supplierHint }));
    const known = withSupplier.filter((x): x is { p: InvoicePayment; supplierId: string } => x.supplierId !== null);
    const applying = await this.commissions.attributionsForInvoices(
      m,
      known.map((x) => ({ supplierId: x.supplierId, paidAt: x.p.paidAt })),
      false,
    );
    const attributionOf = new Map(known.map((x, i) => [x.p.invoiceId, applying[i]]));
    const earliest = new Map<string, Date>();
    const paidAtOf = new Map(payments.map((p) => [p.invoiceId, p.paidAt]));
    for (const [invoiceId, a] of attributionOf) {
      if (!a) continue;
      const paidAt = paidAtOf.get(invoiceId)!;
      const first = earliest.get(a.id) ?? a.first_paid_at ?? paidAt;
      earliest.set(a.id, paidAt < first ? paidAt : first);
    }
    const facts = await this.facts.facts(
      m,
      payments.map((p) => p.invoiceId),
    );
    return withSupplier.map(({ p, supplierId }) => {
      const a = attributionOf.get(p.invoiceId) ?? null;
      const rate = a ? eligibleRate({ ...termsOf(a), firstPaidAt: earliest.get(a.id)! }, p.paidAt) : null;
      const f = facts.get(p.invoiceId) ?? NO_FACTS;
      const invoice = {
        paid: true,
        commissionBp: rate,
        amountPaid: p.amountPaid,
        total: p.total,
        totalExcludingTax: p.totalExcludingTax,
        refunded: refundedAmount(f.refunds, f.charges),
        disputedOpen: f.disputedOpen,
        disputedLost: f.disputedLost,
        released: false,
      };
      return { invoiceId: p.invoiceId, supplierId, referrerId: a?.referrer_id ?? null, commissionBp: rate, netPaid: netPaid(invoice), commission: splitTotal(targetSplit(invoice)) };
    });
  }
}
