import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * The demo's stand-in for Stripe. `demo:seed` cannot reach Stripe, yet it must go through the
 * product's own paths: it plays Stripe's part by producing the invoices, charges, refunds and
 * disputes a year of billing would have produced, and delivers them as signed webhook events to the
 * app's own endpoint. The one Stripe API call those events lead to (which invoice a payment intent
 * belongs to, `GET /v1/invoice_payments`) is answered by this local server from what it produced.
 */
export class DemoStripe {
  /** A signing secret of this run only: the events are signed as Stripe signs them. */
  readonly webhookSecret = `whsec_demo_${randomBytes(16).toString('hex')}`;
  apiBase = '';
  private readonly invoiceOfPaymentIntent = new Map<string, string>();
  private server?: Server;
  private seq = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://demo');
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && url.pathname === '/v1/invoice_payments') {
        const invoice = this.invoiceOfPaymentIntent.get(url.searchParams.get('payment[payment_intent]') ?? '');
        const data = invoice ? [{ id: this.id('inpay'), object: 'invoice_payment', invoice, status: 'paid' }] : [];
        res.end(JSON.stringify({ object: 'list', data, has_more: false, url: '/v1/invoice_payments' }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: `The demo does not offer ${req.method} ${url.pathname}` } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiBase = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  id(prefix: string): string {
    return `${prefix}_demo${randomBytes(8).toString('hex')}`;
  }

  /** A paid subscription invoice of `supplierId` (the invoice, its charge and payment intent). */
  paidInvoice(o: { supplierId: string; customer: string; subscription: string; total: number; tax: number; paidAt: Date }): DemoPayment {
    const paidAt = Math.floor(o.paidAt.getTime() / 1000);
    const paymentIntent = this.id('pi');
    const invoice = {
      id: this.id('in'),
      object: 'invoice',
      customer: o.customer,
      currency: 'rub',
      number: `DEMO-${String(++this.seq).padStart(5, '0')}`,
      status: 'paid',
      amount_due: o.total,
      amount_paid: o.total,
      amount_remaining: 0,
      subtotal: o.total - o.tax,
      subtotal_excluding_tax: o.total - o.tax,
      total: o.total,
      total_excluding_tax: o.total - o.tax,
      total_taxes: o.tax > 0 ? [{ amount: o.tax, tax_behavior: 'exclusive', taxability_reason: 'standard_rated', taxable_amount: o.total - o.tax, type: 'tax_rate_details' }] : [],
      parent: { type: 'subscription_details', subscription_details: { subscription: o.subscription, metadata: { supplier_id: o.supplierId } } },
      status_transitions: { finalized_at: paidAt, paid_at: paidAt, voided_at: null, marked_uncollectible_at: null },
      created: paidAt,
      livemode: false,
    };
    this.invoiceOfPaymentIntent.set(paymentIntent, invoice.id);
    const charge = { id: this.id('ch'), object: 'charge', amount: o.total, amount_captured: o.total, amount_refunded: 0, currency: 'rub', customer: o.customer, payment_intent: paymentIntent, refunded: false, disputed: false, status: 'succeeded', created: paidAt, livemode: false };
    return { invoice, charge, paymentIntent, paidAt };
  }

  /** A refund that succeeded, and the charge as charge.refunded carries it. */
  refund(p: DemoPayment, amount: number, at: Date): { refund: Record<string, unknown>; charge: Record<string, unknown> } {
    const refund = { id: this.id('re'), object: 'refund', amount, charge: p.charge.id, currency: 'rub', payment_intent: p.paymentIntent, reason: 'requested_by_customer', status: 'succeeded', created: Math.floor(at.getTime() / 1000) };
    p.charge.amount_refunded = (p.charge.amount_refunded as number) + amount;
    p.charge.refunded = p.charge.amount_refunded === p.charge.amount;
    return { refund, charge: { ...p.charge, refunds: { object: 'list', data: [refund], has_more: false } } };
  }

  dispute(p: DemoPayment, status: 'needs_response' | 'lost' | 'won', id = this.id('dp'), at = new Date()): Record<string, unknown> {
    return { id, object: 'dispute', amount: p.charge.amount, charge: p.charge.id, currency: 'rub', payment_intent: p.paymentIntent, reason: 'product_not_received', status, created: Math.floor(at.getTime() / 1000), livemode: false };
  }

  /** An event envelope and the Stripe-Signature header Stripe would send with it. */
  signed(type: string, object: Record<string, unknown>, created: Date): { payload: string; header: string } {
    const event = { id: this.id('evt'), object: 'event', api_version: '2026-10-28.endive', created: Math.floor(created.getTime() / 1000), data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type };
    const payload = JSON.stringify(event);
    return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: this.webhookSecret }) };
  }
}

export interface DemoPayment {
  invoice: Record<string, unknown> & { id: string };
  charge: Record<string, unknown> & { id: string };
  paymentIntent: string;
  paidAt: number;
}
