import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { BillingService } from '../billing/billing.service';
import { DomainEvents } from '../events/domain-events';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { MalformedStripeEvent } from '../stripe-webhooks/stripe-webhook.exception';
import { AttributionRow, CommissionRepository, CommissionRow } from './commission.repository';
import { Trigger } from './commission-postings';
import { CommissionSettler, judge } from './commission-settler';
import { BonusRepository } from './bonus.repository';
import { InvoicePayment, invoicePayment } from './stripe-invoice';

const DAY_MS = 86_400_000;

interface Payment extends InvoicePayment {
  invoice: Stripe.Invoice;
  eventAt: number;
  supplierId: string;
}

/**
 * Use case "record a payment" (invoice.paid). Takes a run of events; a single event is a run of one.
 * Records the invoices, locks the attributions that apply (in id order), keeps each attribution's
 * earliest known payment, and judges every invoice that needs it against the window: the new ones
 * and, when an earlier first payment became known, every paid invoice of that attribution (only
 * the difference is posted: a clawback where one earned too much). A repeated payment changes nothing.
 */
@Injectable()
export class RecordPayment {
  constructor(
    private readonly billing: BillingService,
    private readonly commissions: CommissionRepository,
    private readonly settler: CommissionSettler,
    private readonly events: DomainEvents,
    private readonly bonuses: BonusRepository,
  ) {}

  async record(events: Stripe.Event[], m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const parsed = events.map(parse);
    const suppliers = await this.commissions.suppliersOfCustomers(
      m,
      parsed.map((p) => p.customer),
    );
    const payments: Payment[] = parsed.map((p) => {
      const supplierId = suppliers.get(p.customer) ?? p.supplierHint;
      if (!supplierId) throw new MalformedStripeEvent(`invoice ${p.invoiceId}: customer ${p.customer} is not a known supplier`);
      return { ...p, supplierId };
    });
    await this.billing.recordInvoices(
      m,
      payments.map((p) => ({ invoice: p.invoice, eventAt: p.eventAt, supplierId: p.supplierId })),
    );

    const applying = await this.commissions.attributionsForInvoices(m, payments, true);
    const holdDays = await this.commissions.holdDays(m);
    // Each attribution's earliest known payment, before and after this run.
    const attributions = new Map<string, { a: AttributionRow; before: Date | null }>();
    payments.forEach((p, i) => {
      const a = applying[i];
      if (!a) return;
      const entry = attributions.get(a.id) ?? { a, before: a.first_paid_at };
      attributions.set(a.id, entry);
      if (entry.a.first_paid_at === null || p.paidAt.getTime() < entry.a.first_paid_at.getTime()) entry.a.first_paid_at = p.paidAt;
    });
    const moved = [...attributions.values()].filter((x) => x.before?.getTime() !== x.a.first_paid_at?.getTime());
    const conversions = moved.filter((x) => x.before === null).map((x) => ({ supplierId: x.a.supplier_id, referrerId: x.a.referrer_id }));
    const earlier = moved.filter((x) => x.before !== null).map((x) => x.a);

    const rows = await this.commissions.lockCommissions(
      m,
      payments.map((p) => p.invoiceId),
    );
    // Invoices paid before this run (some may be repeated in it) of the attributions whose window moved.
    const others = (await this.commissions.lockPaidOfAttributions(
      m,
      earlier.map((a) => a.id),
    )).map((r) => rows.get(r.invoice_id) ?? r);

    await this.placeBonuses(m, payments, applying, moved, holdDays);

    const items: { row: CommissionRow; trigger: Trigger }[] = [];
    payments.forEach((p, i) => {
      const row = rows.get(p.invoiceId)!;
      if (row.paid) return; // a second delivery of the same fact (invoice.paid twice, or retried)
      const a = applying[i];
      Object.assign(row, {
        paid: true,
        supplier_id: p.supplierId,
        attribution_id: a?.id ?? null,
        referrer_id: a?.referrer_id ?? null,
        currency: p.currency,
        amount_paid: p.amountPaid,
        total: p.total,
        total_excluding_tax: p.totalExcludingTax,
        paid_at: p.paidAt,
        available_at: a ? new Date(p.paidAt.getTime() + holdDays * DAY_MS) : null,
      });
      judge(row, a);
      items.push({ row, trigger: { cause: PostingCause.Invoice, ref: p.invoiceId } });
    });
    for (const row of others) {
      const a = attributions.get(row.attribution_id!)!.a;
      judge(row, a);
      const reason = `commission months counted from the first payment ${a.first_paid_at!.toISOString().slice(0, 10)}`;
      items.push({ row, trigger: { cause: PostingCause.CommissionCorrection, ref: row.invoice_id, reason } });
    }

    await this.events.publishMany(m, 'supplier.converted', conversions);
    await this.commissions.setFirstPaidAt(
      m,
      moved.map((x) => x.a),
    );
    await this.settler.settle(m, items, postings);
  }

  /**
   * The one-off bonus rides on each attribution's first paid invoice: where this run made an earlier
   * payment known (or the first one), the attribution's bonus row moves to it (hold from its paid at).
   * The settler then judges and posts it with the commissions; its key is per attribution, so there
   * is one bonus whatever the order or the repetition of the events. Locked after the commission rows.
   */
  private async placeBonuses(m: EntityManager, payments: Payment[], applying: (AttributionRow | null)[], moved: { a: AttributionRow }[], holdDays: number): Promise<void> {
    const firstInRun = new Map<string, { p: Payment; a: AttributionRow }>();
    payments.forEach((p, i) => {
      const a = applying[i];
      if (!a) return;
      const cur = firstInRun.get(a.id);
      const t = p.paidAt.getTime();
      if (!cur || t < cur.p.paidAt.getTime() || (t === cur.p.paidAt.getTime() && p.invoiceId < cur.p.invoiceId)) firstInRun.set(a.id, { p, a });
    });
    const moves = moved.filter((x) => BigInt(x.a.bonus_amount ?? 0n) > 0n).map((x) => firstInRun.get(x.a.id)!);
    const rows = await this.bonuses.lockBonuses(
      m,
      moves.map((x) => x.a.id),
    );
    for (const { p, a } of moves) {
      const b = rows.get(a.id)!;
      Object.assign(b, { invoice_id: p.invoiceId, paid_at: p.paidAt, supplier_id: p.supplierId, available_at: new Date(p.paidAt.getTime() + holdDays * DAY_MS) });
      // Nothing posted yet: the referrer in force at the first payment gets it; afterwards it stays where it was posted.
      if (b.adjustments === 0) Object.assign(b, { referrer_id: a.referrer_id, currency: a.currency.trim() });
    }
    await this.bonuses.saveBonuses(m, [...rows.values()]);
  }
}

function parse(event: Stripe.Event): Omit<Payment, 'supplierId'> {
  const invoice = event.data.object as Stripe.Invoice;
  const payment = invoicePayment(invoice);
  if (!payment) throw new MalformedStripeEvent('invoice.paid lacks id, customer, currency, amount_paid, total or status_transitions.paid_at');
  return { ...payment, invoice, eventAt: event.created };
}
