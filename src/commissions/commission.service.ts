import { Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { BillingService } from '../billing/billing.service';
import { stripeId } from '../billing/stripe-shapes';
import { DomainEvents } from '../events/domain-events';
import { JobsService } from '../jobs/jobs.service';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind, PostingCause, PostingLine, PostingRequest } from '../ledger/ledger.types';
import { StripeClient } from '../stripe/stripe.client';
import { StripeEventHandlers } from '../stripe-webhooks/stripe-event-handlers';
import { MalformedStripeEvent } from '../stripe-webhooks/stripe-webhook.exception';
import { CommissionSplit, difference, isZero, targetSplit, withinCommissionMonths } from './commission-math';

export const RELEASE_JOB = 'commissions.release-holds';

/** What made a commission change: decides the posting's cause in the statement. */
type Trigger = { cause: PostingCause.Invoice | PostingCause.Refund | PostingCause.Dispute; ref: string };

interface CommissionRow {
  id: string;
  invoice_id: string;
  referrer_id: string | null;
  currency: string | null;
  commission_bp: number | null;
  paid: boolean;
  amount_paid: bigint;
  total: bigint;
  total_excluding_tax: bigint;
  paid_at: Date | null;
  released_at: Date | null;
  posted_pending: bigint;
  posted_available: bigint;
  posted_disputed: bigint;
  adjustments: number;
}

/** Cumulative refunds and disputes of the invoice of the commissions row in scope. */
const FACTS_SQL = `
  GREATEST(
    COALESCE((SELECT sum(amount_refunded) FROM commission_charge_refunds r WHERE r.invoice_id = commissions.invoice_id), 0),
    COALESCE((SELECT sum(amount) FROM commission_refunds r WHERE r.invoice_id = commissions.invoice_id AND r.status NOT IN ('failed','canceled')), 0)
  )::bigint AS refunded,
  COALESCE((SELECT sum(amount) FROM commission_disputes d WHERE d.invoice_id = commissions.invoice_id AND d.status = 'open'), 0)::bigint AS disputed_open,
  COALESCE((SELECT sum(amount) FROM commission_disputes d WHERE d.invoice_id = commissions.invoice_id AND d.status = 'lost'), 0)::bigint AS disputed_lost`;

interface Facts {
  refunded: bigint;
  disputed_open: bigint;
  disputed_lost: bigint;
}

const OPEN_DISPUTE = new Set(['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review', 'prevented']);

/**
 * Commission on suppliers' payments. Each Stripe fact about an invoice (paid, refunded, disputed)
 * is stored on the invoice's commission row (idempotently, order-free), then the commission is
 * recomputed from all facts and only the difference is posted to the ledger, under a lock on that
 * row. The invoice id is the business key: `commission:<invoiceId>` for the first posting.
 */
@Injectable()
export class CommissionService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly billing: BillingService,
    private readonly stripe: StripeClient,
    private readonly handlers: StripeEventHandlers,
    private readonly events: DomainEvents,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register('invoice.paid', (e, m, p) => this.onInvoicePaid(e, m, p));
    this.handlers.registerGroup('invoice.paid', (events, m, p) => this.onInvoicesPaid(events, m, p));
    // The same fact as invoice.paid for card payments: recorded, never a second trigger.
    this.handlers.register('invoice.payment_succeeded', (e, m) => this.billing.recordInvoice(m, e.data.object as Stripe.Invoice, e.created));
    this.handlers.register('charge.refunded', (e, m, p) => this.onChargeRefunded(e, m, p));
    for (const type of ['refund.created', 'refund.updated', 'refund.failed']) this.handlers.register(type, (e, m, p) => this.onRefund(e, m, p));
    for (const type of ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']) this.handlers.register(type, (e, m, p) => this.onDispute(e, m, p));
    this.handlers.register('customer.subscription.deleted', (e, m) => this.onSubscriptionDeleted(e, m));
    this.jobs.register({ name: RELEASE_JOB, cron: '* * * * *', policy: 'singleton', retryLimit: 2, handler: async () => void (await this.releaseDue()) });
  }

  // ---- invoice.paid -------------------------------------------------------------------------

  private async onInvoicePaid(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const inv = event.data.object as Stripe.Invoice;
    const customer = stripeId(inv?.customer);
    const paidAtSec = inv?.status_transitions?.paid_at;
    if (!inv?.id || !customer || typeof inv.amount_paid !== 'number' || typeof inv.total !== 'number' || !inv.currency || typeof paidAtSec !== 'number') {
      throw new MalformedStripeEvent('invoice.paid lacks id, customer, currency, amount_paid, total or status_transitions.paid_at');
    }
    const supplierId = (await this.billing.supplierOfCustomer(m, customer)) ?? inv.parent?.subscription_details?.metadata?.supplier_id ?? null;
    if (!supplierId) throw new MalformedStripeEvent(`invoice ${inv.id}: customer ${customer} is not a known supplier`);
    await this.billing.recordInvoice(m, inv, event.created, supplierId);

    const row = await this.lockCommission(m, inv.id);
    if (row.paid) return; // a second delivery of the same fact (invoice.paid twice, or retried)
    const paidAt = new Date(paidAtSec * 1000);
    const totalExcludingTax = inv.total_excluding_tax ?? inv.total - (inv.total_taxes ?? []).reduce((s, t) => s + (t.amount ?? 0), 0);

    // Lock the attribution, keep the earliest paid_at seen (whatever order invoices arrive in), and
    // learn whether this is the first paid invoice, in one statement.
    const [attributions]: [Record<string, any>[], number] = await m.query(
      `UPDATE supplier_attributions a SET first_paid_at = LEAST(COALESCE(a.first_paid_at, $2), $2)
         FROM (SELECT id, first_paid_at AS previous FROM supplier_attributions WHERE supplier_id = $1 FOR UPDATE) p
        WHERE a.id = p.id
    RETURNING a.id, a.referrer_id, a.commission_bp, a.commission_months, a.first_paid_at, a.stopped_at, p.previous,
              (SELECT hold_days FROM program_settings WHERE id = 1) AS hold_days`,
      [supplierId, paidAt],
    );
    const attribution = attributions[0];
    let commissionBp: number | null = null;
    let availableAt: Date | null = null;
    if (attribution) {
      if (attribution.previous === null) await this.events.publish(m, 'supplier.converted', { supplierId, referrerId: attribution.referrer_id });
      const stopped = attribution.stopped_at !== null && paidAt.getTime() > new Date(attribution.stopped_at).getTime();
      if (!stopped && withinCommissionMonths(paidAt, new Date(attribution.first_paid_at), attribution.commission_months)) commissionBp = attribution.commission_bp;
      availableAt = new Date(paidAt.getTime() + attribution.hold_days * 86_400_000);
    }
    Object.assign(row, {
      paid: true,
      commission_bp: commissionBp,
      amount_paid: BigInt(inv.amount_paid),
      total: BigInt(inv.total),
      total_excluding_tax: BigInt(totalExcludingTax),
      paid_at: paidAt,
      currency: inv.currency.toUpperCase(),
      referrer_id: attribution?.referrer_id ?? null,
    });
    // The payment's facts, and (same statement) the refunds/disputes that may have arrived first.
    const [updated]: [Record<string, any>[], number] = await m.query(
      `UPDATE commissions SET paid = true, supplier_id = $2, attribution_id = $3, referrer_id = $4, currency = $5, commission_bp = $6,
              amount_paid = $7, total = $8, total_excluding_tax = $9, paid_at = $10, available_at = $11, updated_at = now()
        WHERE id = $1
    RETURNING ${FACTS_SQL}`,
      [row.id, supplierId, attribution?.id ?? null, row.referrer_id, row.currency, commissionBp, row.amount_paid, row.total, row.total_excluding_tax, paidAt, availableAt],
    );
    await this.reconcile(m, postings, row, { cause: PostingCause.Invoice, ref: inv.id }, updated[0] as Facts);
  }

  /**
   * invoice.paid for a run of events at once, leaving what onInvoicePaid on each in turn would: the
   * same validation and errors, the invoices recorded (billing's rule, one statement for the run), then set-based
   * reads (suppliers, commission rows, attributions, refund/dispute facts: one statement each for
   * the run), the sequential rules applied in memory in arrival order, and one UPDATE each for the
   * commission rows and attributions that changed.
   */
  private async onInvoicesPaid(events: Stripe.Event[], m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const items = events.map((event) => {
      const inv = event.data.object as Stripe.Invoice;
      const customer = stripeId(inv?.customer);
      const paidAtSec = inv?.status_transitions?.paid_at;
      if (!inv?.id || !customer || typeof inv.amount_paid !== 'number' || typeof inv.total !== 'number' || !inv.currency || typeof paidAtSec !== 'number') {
        throw new MalformedStripeEvent('invoice.paid lacks id, customer, currency, amount_paid, total or status_transitions.paid_at');
      }
      return { event, inv, customer, paidAt: new Date(paidAtSec * 1000), supplierId: '' };
    });
    const customers: { stripe_customer_id: string; supplier_id: string }[] = await m.query(
      `SELECT stripe_customer_id, supplier_id FROM billing_accounts WHERE stripe_customer_id = ANY($1::text[])`,
      [[...new Set(items.map((i) => i.customer))]],
    );
    const supplierOf = new Map<string, string>();
    for (const c of customers) if (!supplierOf.has(c.stripe_customer_id)) supplierOf.set(c.stripe_customer_id, c.supplier_id);
    for (const it of items) {
      const supplierId = supplierOf.get(it.customer) ?? it.inv.parent?.subscription_details?.metadata?.supplier_id ?? null;
      if (!supplierId) throw new MalformedStripeEvent(`invoice ${it.inv.id}: customer ${it.customer} is not a known supplier`);
      it.supplierId = supplierId;
    }
    await this.billing.recordInvoices(m, items.map((it) => ({ invoice: it.inv, eventAt: it.event.created, supplierId: it.supplierId })));

    // Commission rows (created empty if missing) locked in invoice id order, with their facts.
    const invoiceIds = [...new Set(items.map((i) => i.inv.id!))].sort();
    const locked: CommissionRow[] = await m.query(
      `INSERT INTO commissions (invoice_id) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (invoice_id) DO UPDATE SET updated_at = now() RETURNING *`,
      [invoiceIds],
    );
    const rows = new Map(locked.map((r) => [r.invoice_id, r]));
    const todo = items.filter((it) => !rows.get(it.inv.id!)!.paid);
    if (todo.length === 0) return;
    const facts = new Map<string, Facts>();
    for (const f of await m.query(`SELECT invoice_id, ${FACTS_SQL} FROM commissions WHERE invoice_id = ANY($1::text[])`, [[...new Set(todo.map((i) => i.inv.id!))]])) {
      facts.set(f.invoice_id, f);
    }
    const attributions = new Map<string, Record<string, any>>();
    for (const a of await m.query(
      `SELECT a.id, a.supplier_id, a.referrer_id, a.commission_bp, a.commission_months, a.first_paid_at, a.stopped_at,
              (SELECT hold_days FROM program_settings WHERE id = 1) AS hold_days
         FROM supplier_attributions a WHERE a.supplier_id = ANY($1::uuid[]) ORDER BY a.id FOR UPDATE OF a`,
      [[...new Set(todo.map((i) => i.supplierId))]],
    )) {
      attributions.set(a.supplier_id, a);
    }

    const changed = new Map<string, CommissionRow & { supplier_id: string; attribution_id: string | null; available_at: Date | null }>();
    const touchedAttributions = new Set<Record<string, any>>();
    const conversions: { supplierId: string; referrerId: string }[] = []; // first payments, announced as one run
    for (const { inv, paidAt, supplierId } of todo) {
      const row = rows.get(inv.id!)!;
      if (row.paid) continue; // paid earlier in this run: a second delivery of the same fact
      const attribution = attributions.get(supplierId);
      let commissionBp: number | null = null;
      let availableAt: Date | null = null;
      if (attribution) {
        const previous: Date | null = attribution.first_paid_at === null ? null : new Date(attribution.first_paid_at);
        attribution.first_paid_at = previous === null || paidAt.getTime() < previous.getTime() ? paidAt : previous;
        touchedAttributions.add(attribution);
        if (previous === null) conversions.push({ supplierId, referrerId: attribution.referrer_id });
        const stopped = attribution.stopped_at !== null && paidAt.getTime() > new Date(attribution.stopped_at).getTime();
        if (!stopped && withinCommissionMonths(paidAt, attribution.first_paid_at, attribution.commission_months)) commissionBp = attribution.commission_bp;
        availableAt = new Date(paidAt.getTime() + attribution.hold_days * 86_400_000);
      }
      const totalExcludingTax = inv.total_excluding_tax ?? inv.total - (inv.total_taxes ?? []).reduce((s, t) => s + (t.amount ?? 0), 0);
      const next = Object.assign(row, {
        paid: true,
        commission_bp: commissionBp,
        amount_paid: BigInt(inv.amount_paid),
        total: BigInt(inv.total),
        total_excluding_tax: BigInt(totalExcludingTax),
        paid_at: paidAt,
        currency: inv.currency.toUpperCase(),
        referrer_id: attribution?.referrer_id ?? null,
        supplier_id: supplierId,
        attribution_id: attribution?.id ?? null,
        available_at: availableAt,
      });
      const change = this.change(next, { cause: PostingCause.Invoice, ref: inv.id! }, facts.get(inv.id!)!);
      if (change) {
        next.posted_pending = change.target.pending;
        next.posted_available = change.target.available;
        next.posted_disputed = change.target.disputed;
        next.adjustments += 1;
        postings.push(change.posting);
      }
      changed.set(next.id, next);
    }

    await this.events.publishMany(m, 'supplier.converted', conversions);
    if (touchedAttributions.size > 0) {
      const list = [...touchedAttributions];
      await m.query(`UPDATE supplier_attributions a SET first_paid_at = x.first_paid_at FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, first_paid_at) WHERE a.id = x.id`, [
        list.map((a) => a.id),
        list.map((a) => new Date(a.first_paid_at).toISOString()),
      ]);
    }
    const c = [...changed.values()];
    if (c.length === 0) return;
    await m.query(
      `UPDATE commissions SET paid = true, supplier_id = x.supplier_id, attribution_id = x.attribution_id, referrer_id = x.referrer_id, currency = x.currency,
              commission_bp = x.commission_bp, amount_paid = x.amount_paid, total = x.total, total_excluding_tax = x.total_excluding_tax, paid_at = x.paid_at,
              available_at = x.available_at, posted_pending = x.posted_pending, posted_available = x.posted_available, posted_disputed = x.posted_disputed,
              adjustments = x.adjustments, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[], $10::timestamptz[],
                     $11::timestamptz[], $12::bigint[], $13::bigint[], $14::bigint[], $15::int[])
           AS x(id, supplier_id, attribution_id, referrer_id, currency, commission_bp, amount_paid, total, total_excluding_tax, paid_at,
                available_at, posted_pending, posted_available, posted_disputed, adjustments)
        WHERE commissions.id = x.id`,
      [
        c.map((r) => r.id),
        c.map((r) => r.supplier_id),
        c.map((r) => r.attribution_id),
        c.map((r) => r.referrer_id),
        c.map((r) => r.currency),
        c.map((r) => r.commission_bp),
        c.map((r) => r.amount_paid.toString()),
        c.map((r) => r.total.toString()),
        c.map((r) => r.total_excluding_tax.toString()),
        c.map((r) => new Date(r.paid_at!).toISOString()),
        c.map((r) => (r.available_at ? r.available_at.toISOString() : null)),
        c.map((r) => r.posted_pending.toString()),
        c.map((r) => r.posted_available.toString()),
        c.map((r) => r.posted_disputed.toString()),
        c.map((r) => r.adjustments),
      ],
    );
  }

  // ---- refunds --------------------------------------------------------------------------------

  private async onChargeRefunded(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const charge = event.data.object as Stripe.Charge;
    if (!charge?.id || typeof charge.amount_refunded !== 'number') throw new MalformedStripeEvent('charge.refunded lacks id or amount_refunded');
    const invoiceId = await this.invoiceOfPayment(m, stripeId(charge.payment_intent));
    if (!invoiceId) return; // not an invoice payment: no commission depends on it
    const row = await this.lockCommission(m, invoiceId);
    // Cumulative and only ever growing: the largest figure seen wins, whatever the order.
    await m.query(
      `INSERT INTO commission_charge_refunds (charge_id, invoice_id, amount_refunded) VALUES ($1, $2, $3)
       ON CONFLICT (charge_id) DO UPDATE SET amount_refunded = GREATEST(commission_charge_refunds.amount_refunded, EXCLUDED.amount_refunded)`,
      [charge.id, invoiceId, charge.amount_refunded],
    );
    await this.reconcile(m, postings, row, { cause: PostingCause.Refund, ref: charge.id });
  }

  private async onRefund(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const refund = event.data.object as Stripe.Refund;
    if (!refund?.id || typeof refund.amount !== 'number' || !refund.status) throw new MalformedStripeEvent(`${event.type} lacks id, amount or status`);
    const invoiceId = await this.invoiceOfPayment(m, stripeId(refund.payment_intent));
    if (!invoiceId) return;
    const row = await this.lockCommission(m, invoiceId);
    // failed/canceled are final; succeeded beats pending; so the last word does not depend on order.
    await m.query(
      `INSERT INTO commission_refunds (refund_id, invoice_id, charge_id, amount, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (refund_id) DO UPDATE SET status = CASE
           WHEN commission_refunds.status IN ('failed','canceled') THEN commission_refunds.status
           WHEN EXCLUDED.status IN ('failed','canceled') THEN EXCLUDED.status
           WHEN commission_refunds.status = 'succeeded' THEN commission_refunds.status
           ELSE EXCLUDED.status END`,
      [refund.id, invoiceId, stripeId(refund.charge), refund.amount, refund.status],
    );
    await this.reconcile(m, postings, row, { cause: PostingCause.Refund, ref: refund.id });
  }

  // ---- disputes -------------------------------------------------------------------------------

  private async onDispute(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const dispute = event.data.object as Stripe.Dispute;
    if (!dispute?.id || typeof dispute.amount !== 'number' || !dispute.status) throw new MalformedStripeEvent(`${event.type} lacks id, amount or status`);
    const invoiceId = await this.invoiceOfPayment(m, stripeId(dispute.payment_intent));
    if (!invoiceId) return;
    const status = dispute.status === 'lost' ? 'lost' : dispute.status === 'won' || dispute.status === 'warning_closed' ? 'won' : OPEN_DISPUTE.has(dispute.status) ? 'open' : 'open';
    const row = await this.lockCommission(m, invoiceId);
    // A closed dispute (won/lost) stays closed when a late "updated" event arrives.
    await m.query(
      `INSERT INTO commission_disputes (dispute_id, invoice_id, amount, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dispute_id) DO UPDATE SET amount = EXCLUDED.amount,
         status = CASE WHEN commission_disputes.status IN ('won','lost') THEN commission_disputes.status ELSE EXCLUDED.status END`,
      [dispute.id, invoiceId, dispute.amount, status],
    );
    await this.reconcile(m, postings, row, { cause: PostingCause.Dispute, ref: dispute.id });
  }

  // ---- subscription ended --------------------------------------------------------------------

  private async onSubscriptionDeleted(event: Stripe.Event, m: EntityManager): Promise<void> {
    const sub = event.data.object as Stripe.Subscription;
    if (!sub?.id) throw new MalformedStripeEvent('customer.subscription.deleted lacks the subscription id');
    const supplierId = await this.billing.recordSubscription(m, sub, event.created);
    if (!supplierId) return;
    const endedAt = new Date((sub.ended_at ?? sub.canceled_at ?? event.created) * 1000);
    await m.query(`UPDATE supplier_attributions SET stopped_at = LEAST(COALESCE(stopped_at, $2), $2) WHERE supplier_id = $1`, [supplierId, endedAt]);
  }

  // ---- the core: recompute and post the difference ---------------------------------------------

  /**
   * The invoice's commission row, created empty if a refund or dispute arrives before the payment,
   * and locked (ON CONFLICT DO UPDATE takes the row lock) in one statement.
   */
  private async lockCommission(m: EntityManager, invoiceId: string): Promise<CommissionRow> {
    const [row] = await m.query(`INSERT INTO commissions (invoice_id) VALUES ($1) ON CONFLICT (invoice_id) DO UPDATE SET updated_at = now() RETURNING *`, [invoiceId]);
    return row;
  }

  /**
   * Brings the commission to its target and queues the difference as a posting: the inbox writes the
   * postings of the whole event group with one LedgerService.postMany, last in the same transaction.
   */
  private async reconcile(m: EntityManager, postings: PostingRequest[], row: CommissionRow, trigger: Trigger, known?: Facts): Promise<void> {
    if (!row.paid || row.commission_bp === null || !row.referrer_id || !row.currency) return;
    const facts: Facts = known ?? (await m.query(`SELECT ${FACTS_SQL} FROM commissions WHERE invoice_id = $1`, [row.invoice_id]))[0];
    const change = this.change(row, trigger, facts);
    if (!change) return;
    await m.query(
      `UPDATE commissions SET posted_pending = $2, posted_available = $3, posted_disputed = $4, adjustments = adjustments + 1, updated_at = now() WHERE id = $1`,
      [row.id, change.target.pending, change.target.available, change.target.disputed],
    );
    postings.push(change.posting);
  }

  /** The commission's target from its facts and the posting that moves it there from what is posted; null when nothing moves. */
  private change(row: CommissionRow, trigger: Trigger, facts: Facts): { target: CommissionSplit; posting: PostingRequest } | null {
    if (!row.paid || row.commission_bp === null || !row.referrer_id || !row.currency) return null;
    const target = targetSplit({
      paid: true,
      commissionBp: row.commission_bp,
      amountPaid: BigInt(row.amount_paid),
      total: BigInt(row.total),
      totalExcludingTax: BigInt(row.total_excluding_tax),
      refunded: BigInt(facts.refunded),
      disputedOpen: BigInt(facts.disputed_open),
      disputedLost: BigInt(facts.disputed_lost),
      released: row.released_at !== null,
    });
    const posted: CommissionSplit = { pending: BigInt(row.posted_pending), available: BigInt(row.posted_available), disputed: BigInt(row.posted_disputed) };
    const diff = difference(target, posted);
    if (isZero(diff)) return null;
    const n = row.adjustments;
    // A commission that shrinks through an invoice event (refund facts that arrived first) is still a refund.
    const shrinks = diff.pending + diff.available + diff.disputed < 0n;
    const cause = trigger.cause === PostingCause.Invoice && shrinks ? PostingCause.Refund : trigger.cause;
    return {
      target,
      posting: {
        idempotencyKey: n === 0 ? `commission:${row.invoice_id}` : `commission:${row.invoice_id}:${n}`,
        cause,
        causeRef: trigger.ref,
        description: describeChange(cause, row.invoice_id, diff),
        lines: this.lines(row.referrer_id, row.currency, diff),
        occurredAt: cause === PostingCause.Invoice && row.paid_at ? new Date(row.paid_at) : undefined,
        metadata: { invoiceId: row.invoice_id, commissionId: row.id, commissionBp: row.commission_bp, target: stringify(target) },
      },
    };
  }

  /** Balanced lines for a change of the commission: referrer accounts by the change, expense the opposite. */
  private lines(referrerId: string, currency: string, diff: CommissionSplit): PostingLine[] {
    const lines: PostingLine[] = [];
    const add = (kind: AccountKind, amount: bigint) => amount !== 0n && lines.push({ account: { kind, ownerId: referrerId, currency }, amount });
    add(AccountKind.ReferrerPending, diff.pending);
    add(AccountKind.ReferrerAvailable, diff.available);
    add(AccountKind.ReferrerDisputed, diff.disputed);
    const net = diff.pending + diff.available + diff.disputed;
    if (net !== 0n) lines.push({ account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount: -net });
    return lines;
  }

  /** Stripe reaches an invoice from a payment through invoice payments (charge.invoice no longer exists). */
  private async invoiceOfPayment(m: EntityManager, paymentIntentId: string | null): Promise<string | null> {
    if (!paymentIntentId) return null;
    const [known] = await m.query(`SELECT invoice_id FROM commission_payment_intents WHERE payment_intent_id = $1`, [paymentIntentId]);
    if (known) return known.invoice_id;
    const page = await this.stripe.api.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntentId }, limit: 1 });
    const invoiceId = stripeId(page.data[0]?.invoice as string | { id: string } | undefined);
    if (!invoiceId) return null;
    await m.query(`INSERT INTO commission_payment_intents (payment_intent_id, invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [paymentIntentId, invoiceId]);
    return invoiceId;
  }

  // ---- hold release ----------------------------------------------------------------------------

  /**
   * Moves commissions whose hold ended from pending to available; safe on every instance at once.
   * Per claimed batch: one statement locks (SKIP LOCKED) and releases the rows, one postMany writes
   * their `release:<id>` postings (each referrer account and nothing else locked once per batch).
   */
  async releaseDue(now = new Date(), batch = 500): Promise<number> {
    let released = 0;
    for (;;) {
      const done = await this.db.transaction(async (m) => {
        const [rows]: [{ id: string; invoice_id: string; referrer_id: string | null; currency: string | null; pending: bigint }[], number] = await m.query(
          `WITH due AS (
             SELECT id, posted_pending AS pending FROM commissions
              WHERE paid AND released_at IS NULL AND available_at <= $1
              ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
           UPDATE commissions c SET released_at = $1, posted_available = c.posted_available + c.posted_pending, posted_pending = 0, updated_at = now()
             FROM due WHERE c.id = due.id
           RETURNING c.id, c.invoice_id, c.referrer_id, c.currency, due.pending`,
          [now, batch],
        );
        const postings: PostingRequest[] = [];
        for (const row of rows) {
          const pending = BigInt(row.pending);
          if (pending === 0n || !row.referrer_id || !row.currency) continue;
          postings.push({
            idempotencyKey: `release:${row.id}`,
            cause: PostingCause.HoldRelease,
            causeRef: row.invoice_id,
            description: `Hold ended: commission on invoice ${row.invoice_id} is available`,
            lines: [
              { account: { kind: AccountKind.ReferrerPending, ownerId: row.referrer_id, currency: row.currency }, amount: -pending },
              { account: { kind: AccountKind.ReferrerAvailable, ownerId: row.referrer_id, currency: row.currency }, amount: pending },
            ],
          });
        }
        if (postings.length > 0) {
          await this.ledger.postMany(m, postings);
        }
        return rows.length;
      });
      released += done;
      if (done < batch) return released;
    }
  }
}

function describeChange(cause: PostingCause, invoiceId: string, diff: CommissionSplit): string {
  const net = diff.pending + diff.available + diff.disputed;
  switch (cause) {
    case PostingCause.Invoice:
      return `Commission on paid invoice ${invoiceId}`;
    case PostingCause.Refund:
      return net <= 0n ? `Refund on invoice ${invoiceId}: commission reduced by ${-net}` : `Refund failed on invoice ${invoiceId}: commission restored by ${net}`;
    default:
      if (net < 0n) return `Dispute lost on invoice ${invoiceId}: commission reversed by ${-net}`;
      if (diff.disputed > 0n) return `Dispute opened on invoice ${invoiceId}: commission held`;
      return `Dispute closed on invoice ${invoiceId}: commission released back`;
  }
}

function stringify(s: CommissionSplit): Record<string, string> {
  return { pending: s.pending.toString(), available: s.available.toString(), disputed: s.disputed.toString() };
}
