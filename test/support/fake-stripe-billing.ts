import request from 'supertest';
import Stripe from 'stripe';
import { FakeRequest, FakeStripe } from './fake-stripe';
import { PASSWORD } from './fixtures';

/**
 * The billing endpoints of the fake Stripe (customers, coupons, subscriptions, invoices, invoice
 * payments), plus builders of Stripe objects and signed webhook events in the shapes of the pinned
 * API version (2026-10-28.endive): an invoice's subscription under parent.subscription_details, no
 * charge.invoice (refunds and disputes reach their invoice through invoice payments).
 */
export class FakeStripeBilling {
  /** Set to make the next N subscription creations fail with a 500 (Stripe down at sign-up). */
  failSubscriptions = 0;
  /** The subscription price (GET /v1/prices/:id answers with it): 1 000,00 a month. */
  priceAmount = 100_000;
  private seq = 0;

  constructor(readonly fake: FakeStripe) {
    fake
      .route('POST', /^\/v1\/customers$/, (req) => ({ body: this.createCustomer(req) }))
      .route('POST', /^\/v1\/coupons$/, (req) => ({ body: this.createCoupon(req) }))
      .route('POST', /^\/v1\/subscriptions$/, (req) => {
        if (this.failSubscriptions > 0) {
          this.failSubscriptions--;
          return FakeStripe.error(500, 'An unknown error occurred', 'api_error');
        }
        return { body: this.createSubscription(req) };
      })
      .route('GET', /^\/v1\/prices\/([^/]+)$/, (req) => ({ body: this.price(req.match[1]) }))
      .route('POST', /^\/v1\/billing_portal\/sessions$/, (req) => {
        if (!this.fake.objects.get(req.body.customer)) return FakeStripe.error(400, `No such customer: '${req.body.customer}'`, 'invalid_request_error', 'resource_missing');
        return { body: this.fake.save({ id: this.fake.id('bps'), object: 'billing_portal.session', customer: req.body.customer, return_url: req.body.return_url ?? null, url: `https://billing.stripe.test/p/session/${this.fake.id('test')}`, created: this.now(), livemode: false }) };
      })
      .route('GET', /^\/v1\/invoice_payments$/, (req) => ({ body: this.listInvoicePayments(req) }))
      .route('GET', /^\/v1\/invoices$/, (req) => ({ body: list([...fake.objects.values()].filter((o) => o.object === 'invoice' && o.customer === req.query.customer)) }));
  }

  private now(): number {
    return Math.floor(Date.now() / 1000);
  }

  private price(id: string): Record<string, any> {
    return { id, object: 'price', active: true, currency: 'rub', unit_amount: this.priceAmount, type: 'recurring', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' }, livemode: false };
  }

  private createCustomer(req: FakeRequest): Record<string, any> {
    return this.fake.save({ id: this.fake.id('cus'), object: 'customer', email: req.body.email, name: req.body.name, metadata: req.body.metadata ?? {}, created: this.now(), livemode: false });
  }

  private createCoupon(req: FakeRequest): Record<string, any> {
    return this.fake.save({
      id: this.fake.id('coupon'),
      object: 'coupon',
      percent_off: Number(req.body.percent_off),
      duration: req.body.duration,
      duration_in_months: req.body.duration_in_months === undefined ? null : Number(req.body.duration_in_months),
      name: req.body.name ?? null,
      metadata: req.body.metadata ?? {},
      valid: true,
      created: this.now(),
      livemode: false,
    });
  }

  private createSubscription(req: FakeRequest): Record<string, any> {
    const customer = this.fake.objects.get(req.body.customer);
    if (!customer) throw new Error(`No such customer: '${req.body.customer}'`);
    const id = this.fake.id('sub');
    const couponId: string | undefined = req.body.discounts?.[0]?.coupon;
    const coupon = couponId ? this.fake.objects.get(couponId) : undefined;
    const amount = this.priceAmount;
    const total = coupon ? Math.round(amount * (1 - coupon.percent_off / 100)) : amount;
    const invoice = this.invoice({ customer: customer.id, subscription: id, supplierId: req.body.metadata?.supplier_id, total, status: 'open' });
    const sub = this.fake.save({
      id,
      object: 'subscription',
      customer: customer.id,
      status: 'incomplete',
      items: { object: 'list', data: [{ id: this.fake.id('si'), price: { id: req.body.items?.[0]?.price } }] },
      discounts: couponId ? [this.fake.id('di')] : [],
      metadata: req.body.metadata ?? {},
      latest_invoice: invoice.id,
      created: this.now(),
      ended_at: null,
      canceled_at: null,
      livemode: false,
    });
    const expand: string[] = req.body.expand ?? [];
    return expand.includes('latest_invoice') ? { ...sub, latest_invoice: invoice } : sub;
  }

  private listInvoicePayments(req: FakeRequest): Record<string, any> {
    const pi = (req.query.payment as Record<string, string> | undefined)?.payment_intent;
    const invoiceId = req.query.invoice as string | undefined;
    return list([...this.fake.objects.values()].filter((o) => o.object === 'invoice_payment' && (!pi || o.payment.payment_intent === pi) && (!invoiceId || o.invoice === invoiceId)));
  }

  /** An invoice object (endive shape); `tax` is exclusive tax on top of total − tax. */
  invoice(o: { customer: string; subscription?: string; supplierId?: string; total: number; tax?: number; status?: string; paidAt?: number; id?: string }): Record<string, any> {
    const tax = o.tax ?? 0;
    const created = this.now();
    return this.fake.save({
      id: o.id ?? this.fake.id('in'),
      object: 'invoice',
      customer: o.customer,
      currency: 'rub',
      number: `HS-${String(++this.seq).padStart(5, '0')}`,
      status: o.status ?? 'open',
      amount_due: o.total,
      amount_paid: o.status === 'paid' ? o.total : 0,
      amount_remaining: o.status === 'paid' ? 0 : o.total,
      subtotal: o.total - tax,
      subtotal_excluding_tax: o.total - tax,
      total: o.total,
      total_excluding_tax: o.total - tax,
      total_taxes: tax > 0 ? [{ amount: tax, tax_behavior: 'exclusive', taxability_reason: 'standard_rated', taxable_amount: o.total - tax, type: 'tax_rate_details', tax_rate_details: { tax_rate: 'txr_vat' } }] : [],
      parent: o.subscription
        ? { type: 'subscription_details', quote_details: null, subscription_details: { subscription: o.subscription, metadata: o.supplierId ? { supplier_id: o.supplierId } : {} } }
        : null,
      hosted_invoice_url: `https://invoice.stripe.test/i/${created}${this.seq}`,
      status_transitions: { finalized_at: created, paid_at: o.status === 'paid' ? (o.paidAt ?? created) : null, voided_at: null, marked_uncollectible_at: null },
      created,
      livemode: false,
    });
  }

  /** A paid invoice with its payment intent, charge and invoice payment (what Stripe holds after a payment). */
  paidInvoice(customer: string, o: { total: number; tax?: number; paidAt?: number; subscription?: string; supplierId?: string }): PaidInvoice {
    const invoice = this.invoice({ customer, total: o.total, tax: o.tax, status: 'paid', paidAt: o.paidAt, subscription: o.subscription ?? this.fake.id('sub'), supplierId: o.supplierId });
    const paymentIntent = this.fake.id('pi');
    const charge = this.fake.save({
      id: this.fake.id('ch'),
      object: 'charge',
      amount: o.total,
      amount_captured: o.total,
      amount_refunded: 0,
      currency: 'rub',
      customer,
      payment_intent: paymentIntent,
      refunded: false,
      disputed: false,
      status: 'succeeded',
      created: this.now(),
      livemode: false,
    });
    this.fake.save({
      id: this.fake.id('inpay'),
      object: 'invoice_payment',
      amount_paid: o.total,
      amount_requested: o.total,
      currency: 'rub',
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: paymentIntent },
      status: 'paid',
      status_transitions: { paid_at: invoice.status_transitions.paid_at, canceled_at: null },
      created: this.now(),
    });
    return { invoice, charge, paymentIntent };
  }

  /** A refund of part of a charge; returns the refund and the charge with its cumulative amount_refunded. */
  refund(paid: PaidInvoice, amount: number, status = 'succeeded'): { refund: Record<string, any>; charge: Record<string, any> } {
    const charge = paid.charge;
    if (status === 'succeeded' || status === 'pending') {
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded >= charge.amount;
    }
    const refund = this.fake.save({
      id: this.fake.id('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      currency: 'rub',
      payment_intent: paid.paymentIntent,
      reason: 'requested_by_customer',
      status,
      created: this.now(),
    });
    return { refund, charge: { ...charge } };
  }

  /** A pending refund fails: the charge's amount_refunded gives it back. Returns the failed refund and the charge. */
  failRefund(paid: PaidInvoice, refund: Record<string, any>): { refund: Record<string, any>; charge: Record<string, any> } {
    paid.charge.amount_refunded -= refund.amount;
    paid.charge.refunded = paid.charge.amount_refunded >= paid.charge.amount;
    const failed = this.fake.save({ ...refund, status: 'failed', failure_reason: 'expired_or_canceled_card' });
    return { refund: failed, charge: { ...paid.charge } };
  }

  dispute(paid: PaidInvoice, amount: number, status: string, id = this.fake.id('dp')): Record<string, any> {
    return this.fake.save({ id, object: 'dispute', amount, charge: paid.charge.id, currency: 'rub', payment_intent: paid.paymentIntent, reason: 'fraudulent', status, created: this.now(), livemode: false });
  }
}

export interface PaidInvoice {
  invoice: Record<string, any>;
  charge: Record<string, any>;
  paymentIntent: string;
}

function list(data: unknown[]): Record<string, any> {
  return { object: 'list', data, has_more: false, url: '/v1/list' };
}

/** Environment for an app billing through this fake. */
export function billingEnv(fake: FakeStripe, extra: Record<string, string> = {}): Record<string, string> {
  return { STRIPE_API_BASE: fake.apiBase, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_PRICE_ID: 'price_monthly', PROMO_CHECK_LIMIT_PER_MINUTE: '10000', ...extra };
}

let taxSeq = Date.now() % 1_000_000_000;

/** A plausible, unique 10-digit tax id. */
export function uniqueTaxId(): string {
  return String(7_000_000_000 + (++taxSeq % 1_000_000_000));
}

export interface SignedUpSupplier {
  id: string;
  token: string;
  email: string;
  customerId: string | null;
  body: Record<string, any>;
}

/** POST /api/suppliers with a valid body; `overrides` may set promoCode, email, companyTaxId... */
export async function signUpSupplier(url: string, overrides: Record<string, unknown> = {}, expectStatus = 201): Promise<SignedUpSupplier> {
  const email = (overrides.email as string) ?? `owner-${Math.random().toString(36).slice(2, 10)}@wholesale-${Math.random().toString(36).slice(2, 8)}.example`;
  const res = await request(url)
    .post('/api/suppliers')
    .send({ email, password: PASSWORD, companyName: 'Wholesale Foods', companyTaxId: uniqueTaxId(), ...overrides })
    .expect(expectStatus);
  return { id: res.body.supplier?.id, token: res.body.accessToken, email, customerId: res.body.supplier?.billing?.customerId ?? null, body: res.body };
}

let eventSeq = 0;

/** A Stripe event envelope around an object (endive). */
export function stripeEvent(type: string, object: Record<string, any>, o: { id?: string; created?: number } = {}): Stripe.Event {
  return {
    id: o.id ?? `evt_test_${Date.now().toString(36)}_${(++eventSeq).toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: o.created ?? Math.floor(Date.now() / 1000),
    data: { object: JSON.parse(JSON.stringify(object)) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

/** The body and the Stripe-Signature header Stripe would send, made by the stripe package itself. */
export function signEvent(event: unknown, o: { secret?: string; timestamp?: number } = {}): { payload: string; header: string } {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? 'whsec_x', timestamp: o.timestamp });
  return { payload, header };
}

/** Delivers a signed event over HTTP to a running app. */
export function deliver(url: string, event: unknown, o: { secret?: string; timestamp?: number } = {}): request.Test {
  const { payload, header } = signEvent(event, o);
  return request(url).post('/api/stripe/webhooks').set('content-type', 'application/json').set('stripe-signature', header).send(payload);
}
