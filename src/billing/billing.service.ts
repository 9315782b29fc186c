import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DomainException } from '../common/errors/domain.exception';
import { StripeClient } from '../stripe/stripe.client';
import { StripeEventHandlers } from '../stripe-webhooks/stripe-event-handlers';
import { BillingAccount } from './billing-account.entity';
import { BillingView, InvoiceView, PriceView } from './billing.dto';
import { BillingErrorCode, BillingException } from './billing.exception';
import { couponTerms, invoiceRecord, stripeId } from './stripe-shapes';

/**
 * What billing needs to know about a supplier to bill it. The suppliers feature owns those records
 * and passes them in (billing does not read the suppliers' tables).
 */
export interface BillingCustomer {
  supplierId: string;
  email: string;
  companyName: string;
  /** The referral discount locked at sign-up, when the supplier came through a referrer's code. */
  discount: { attributionId: string; discountBp: number; commissionMonths: number | null } | null;
}

/**
 * The supplier's Stripe side. Payment happens on Stripe's pages; we create the customer, the coupon
 * carrying the locked discount and the subscription, then keep what Stripe reports (webhooks).
 */
@Injectable()
export class BillingService implements OnModuleInit {
  private readonly logger = new Logger('Billing');

  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly handlers: StripeEventHandlers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // invoice.paid is the commissions feature's trigger; it records the invoice through recordInvoice.
    for (const type of ['invoice.finalized', 'invoice.updated', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible']) {
      this.handlers.register(type, async (event, m) => {
        await this.recordInvoice(m, event.data.object as Stripe.Invoice, event.created);
      });
    }
    for (const type of ['customer.subscription.created', 'customer.subscription.updated']) {
      this.handlers.register(type, async (event, m) => {
        await this.recordSubscription(m, event.data.object as Stripe.Subscription, event.created);
      });
    }
  }

  /**
   * Customer, coupon (percent off = locked discount, for the locked commission months) and the
   * subscription to the configured price. Safe to call again: each Stripe call carries an
   * idempotency key derived from the supplier, and existing ids are reused.
   */
  async subscribe(customer: BillingCustomer): Promise<BillingView> {
    const priceId = this.config.stripe.priceId;
    if (!priceId) throw new BillingException(BillingErrorCode.BILLING_PRICE_NOT_CONFIGURED, 'Billing is not configured: set STRIPE_PRICE_ID');
    const { supplierId, email, companyName, discount: attribution } = customer;
    const existing = await this.db.manager.findOne(BillingAccount, { where: { supplierId } });
    const api = this.stripe.api;
    try {
      const customerId =
        existing?.stripeCustomerId ??
        (await api.customers.create({ email, name: companyName, metadata: { supplier_id: supplierId } }, { idempotencyKey: `customer:${supplierId}` })).id;
      let couponId = existing?.stripeCouponId ?? null;
      const terms = attribution ? couponTerms(attribution.discountBp, attribution.commissionMonths) : null;
      if (!couponId && terms && attribution) {
        const coupon = await api.coupons.create(
          { ...terms, name: `Referral discount ${terms.percent_off}%`, metadata: { supplier_id: supplierId, attribution_id: attribution.attributionId } },
          { idempotencyKey: `coupon:${supplierId}` },
        );
        couponId = coupon.id;
      }
      await this.db.query(
        `INSERT INTO billing_accounts (supplier_id, stripe_customer_id, stripe_coupon_id) VALUES ($1, $2, $3)
         ON CONFLICT (supplier_id) DO UPDATE SET stripe_coupon_id = COALESCE(billing_accounts.stripe_coupon_id, EXCLUDED.stripe_coupon_id), updated_at = now()`,
        [supplierId, customerId, couponId],
      );
      if (!existing?.stripeSubscriptionId) {
        const sub = await api.subscriptions.create(
          {
            customer: customerId,
            items: [{ price: priceId }],
            ...(couponId ? { discounts: [{ coupon: couponId }] } : {}),
            payment_behavior: 'default_incomplete',
            metadata: { supplier_id: supplierId },
            expand: ['latest_invoice'],
          },
          { idempotencyKey: `subscription:${supplierId}` },
        );
        await this.db.transaction(async (m) => {
          await m.query(
            `UPDATE billing_accounts SET stripe_subscription_id = $2, updated_at = now(),
                    subscription_status = CASE WHEN subscription_event_at = 0 THEN $3 ELSE subscription_status END
              WHERE supplier_id = $1`,
            [supplierId, sub.id, sub.status],
          );
          const latest = sub.latest_invoice;
          if (latest && typeof latest === 'object') await this.recordInvoice(m, latest, 0);
        });
      }
    } catch (err) {
      if (err instanceof DomainException) throw err;
      if (err instanceof Stripe.errors.StripeError) {
        throw new BillingException(BillingErrorCode.BILLING_STRIPE_FAILED, `Stripe refused or failed: ${err.message}`, { type: err.type, requestId: err.requestId });
      }
      throw err;
    }
    return this.view(supplierId);
  }

  /** Whether Stripe is configured at all (billing management and prices need it). */
  get stripeConfigured(): boolean {
    return Boolean(this.config.stripe.secretKey);
  }

  /**
   * The configured price (what a supplier pays before its discount), from Stripe, kept for ten
   * minutes. Null when Stripe or the price is not configured or Stripe does not answer within 3 s
   * (a page shows what it can without it).
   */
  async price(): Promise<PriceView | null> {
    const priceId = this.config.stripe.priceId;
    if (!this.stripeConfigured || !priceId) return null;
    const now = Date.now();
    if (this.priceCache && this.priceCache.until > now) return this.priceCache.value;
    let value: PriceView | null = null;
    try {
      const p = await this.stripe.api.prices.retrieve(priceId, undefined, { timeout: 3000, maxNetworkRetries: 0 });
      if (typeof p.unit_amount === 'number') value = { unitAmount: String(p.unit_amount), currency: p.currency.toUpperCase(), interval: p.recurring?.interval ?? null, intervalCount: p.recurring?.interval_count ?? 1 };
    } catch (err) {
      this.logger.warn({ err, priceId }, 'could not read the price from Stripe');
    }
    this.priceCache = { value, until: now + (value ? 600_000 : 60_000) };
    return value;
  }

  private priceCache?: { value: PriceView | null; until: number };

  /**
   * A Stripe customer portal session for the supplier (invoices, payment method, cancellation on
   * Stripe's pages); returns its address. Refused before the supplier has a Stripe customer.
   */
  async portalSession(supplierId: string, returnUrl: string): Promise<string> {
    const account = await this.db.manager.findOne(BillingAccount, { where: { supplierId } });
    if (!account?.stripeCustomerId) throw new BillingException(BillingErrorCode.BILLING_NO_CUSTOMER, 'No Stripe customer yet: start the subscription first');
    try {
      const session = await this.stripe.api.billingPortal.sessions.create({ customer: account.stripeCustomerId, return_url: returnUrl });
      return session.url;
    } catch (err) {
      if (err instanceof DomainException) throw err;
      if (err instanceof Stripe.errors.StripeError) {
        throw new BillingException(BillingErrorCode.BILLING_STRIPE_FAILED, `Stripe refused or failed: ${err.message}`, { type: err.type, requestId: err.requestId });
      }
      throw err;
    }
  }

  /** Sign-up must not fail because Stripe is down: the supplier can start billing again later. */
  async trySubscribe(customer: BillingCustomer): Promise<void> {
    try {
      await this.subscribe(customer);
    } catch (err) {
      this.logger.warn({ err, supplierId: customer.supplierId }, 'could not start billing at sign-up; the supplier can retry from its page');
    }
  }

  async view(supplierId: string, m: EntityManager = this.db.manager): Promise<BillingView> {
    const account = await m.findOne(BillingAccount, { where: { supplierId } });
    const rows: Record<string, any>[] = await m.query(
      `SELECT * FROM billing_invoices WHERE supplier_id = $1 ORDER BY created_at DESC, stripe_invoice_id LIMIT 100`,
      [supplierId],
    );
    const invoices: InvoiceView[] = rows.map((r) => ({
      id: r.stripe_invoice_id,
      number: r.number,
      status: r.status,
      currency: r.currency,
      total: String(r.total),
      totalExcludingTax: r.total_excluding_tax === null ? null : String(r.total_excluding_tax),
      amountPaid: String(r.amount_paid),
      hostedInvoiceUrl: r.hosted_invoice_url,
      createdAt: r.created_at,
      paidAt: r.paid_at,
    }));
    const openInvoice = invoices.find((i) => i.status === 'open' && i.hostedInvoiceUrl);
    return {
      state: account ? (account.subscriptionStatus ?? 'no_subscription') : 'not_started',
      customerId: account?.stripeCustomerId ?? null,
      subscriptionId: account?.stripeSubscriptionId ?? null,
      couponId: account?.stripeCouponId ?? null,
      payUrl: openInvoice?.hostedInvoiceUrl ?? account?.latestInvoiceUrl ?? null,
      invoices,
    };
  }

  /** Which supplier a Stripe customer is; null when the customer is not one of ours. */
  async supplierOfCustomer(m: EntityManager, customerId: string | null): Promise<string | null> {
    if (!customerId) return null;
    const rows = await m.query(`SELECT supplier_id FROM billing_accounts WHERE stripe_customer_id = $1`, [customerId]);
    return rows[0]?.supplier_id ?? null;
  }

  /** Keeps the invoice as Stripe reported it; an older event never overwrites a newer one. */
  async recordInvoice(m: EntityManager, invoice: Stripe.Invoice, eventAt: number, knownSupplierId?: string): Promise<void> {
    const supplierId = knownSupplierId ?? (await this.supplierOfCustomer(m, stripeId(invoice.customer))) ?? invoice.parent?.subscription_details?.metadata?.supplier_id ?? null;
    if (!supplierId) return; // not a supplier of ours (e.g. an invoice created by hand in the dashboard)
    const r = invoiceRecord(invoice);
    await m.query(
      `INSERT INTO billing_invoices (stripe_invoice_id, supplier_id, number, status, currency, total, total_excluding_tax, amount_paid, hosted_invoice_url, created_at, paid_at, event_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
       ON CONFLICT (stripe_invoice_id) DO UPDATE SET number = EXCLUDED.number, status = EXCLUDED.status, total = EXCLUDED.total,
         total_excluding_tax = EXCLUDED.total_excluding_tax, amount_paid = EXCLUDED.amount_paid, hosted_invoice_url = EXCLUDED.hosted_invoice_url,
         paid_at = COALESCE(EXCLUDED.paid_at, billing_invoices.paid_at), event_at = EXCLUDED.event_at
       WHERE billing_invoices.event_at <= EXCLUDED.event_at`,
      [r.id, supplierId, r.number, r.status, r.currency, r.total, r.totalExcludingTax, r.amountPaid, r.hostedInvoiceUrl, r.createdAt, r.paidAt, eventAt],
    );
    if (r.hostedInvoiceUrl && r.status === 'open') {
      await m.query(`UPDATE billing_accounts SET latest_invoice_url = $2, updated_at = now() WHERE supplier_id = $1`, [supplierId, r.hostedInvoiceUrl]);
    }
  }

  /**
   * recordInvoice for a run of invoices of known suppliers (a group of invoice.paid events), in as
   * few statements as their repeats allow, leaving what recordInvoice on each in turn would. Repeats
   * of one invoice id go to later rounds (a row can be upserted once per statement, and each
   * delivery's event_at check must see the one before it), so a group without repeats is one
   * INSERT; rows go in invoice id order so concurrent groups lock them in the same order.
   */
  async recordInvoices(m: EntityManager, items: { invoice: Stripe.Invoice; eventAt: number; supplierId: string }[]): Promise<void> {
    const rounds: { r: ReturnType<typeof invoiceRecord>; supplierId: string; eventAt: number }[][] = [];
    const seen = new Map<string, number>();
    const latestOpenUrl = new Map<string, string>(); // supplier → the last open invoice's page, in arrival order
    for (const { invoice, eventAt, supplierId } of items) {
      const r = invoiceRecord(invoice);
      const round = seen.get(r.id) ?? 0;
      seen.set(r.id, round + 1);
      (rounds[round] ??= []).push({ r, supplierId, eventAt });
      if (r.hostedInvoiceUrl && r.status === 'open') latestOpenUrl.set(supplierId, r.hostedInvoiceUrl);
    }
    for (const round of rounds) {
      round.sort((a, b) => (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
      await m.query(
        `INSERT INTO billing_invoices (stripe_invoice_id, supplier_id, number, status, currency, total, total_excluding_tax, amount_paid, hosted_invoice_url, created_at, paid_at, event_at)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::bigint[])
         ON CONFLICT (stripe_invoice_id) DO UPDATE SET number = EXCLUDED.number, status = EXCLUDED.status, total = EXCLUDED.total,
           total_excluding_tax = EXCLUDED.total_excluding_tax, amount_paid = EXCLUDED.amount_paid, hosted_invoice_url = EXCLUDED.hosted_invoice_url,
           paid_at = COALESCE(EXCLUDED.paid_at, billing_invoices.paid_at), event_at = EXCLUDED.event_at
         WHERE billing_invoices.event_at <= EXCLUDED.event_at`,
        [
          round.map((x) => x.r.id),
          round.map((x) => x.supplierId),
          round.map((x) => x.r.number),
          round.map((x) => x.r.status),
          round.map((x) => x.r.currency),
          round.map((x) => x.r.total.toString()),
          round.map((x) => (x.r.totalExcludingTax === null ? null : x.r.totalExcludingTax.toString())),
          round.map((x) => x.r.amountPaid.toString()),
          round.map((x) => x.r.hostedInvoiceUrl),
          round.map((x) => x.r.createdAt.toISOString()),
          round.map((x) => (x.r.paidAt ? x.r.paidAt.toISOString() : null)),
          round.map((x) => String(x.eventAt)),
        ],
      );
    }
    if (latestOpenUrl.size > 0) {
      const suppliers = [...latestOpenUrl.keys()].sort();
      await m.query(
        `UPDATE billing_accounts a SET latest_invoice_url = x.url, updated_at = now() FROM unnest($1::uuid[], $2::text[]) AS x(supplier_id, url) WHERE a.supplier_id = x.supplier_id AND a.supplier_id = ANY($1::uuid[])`,
        [suppliers, suppliers.map((s) => latestOpenUrl.get(s)!)],
      );
    }
  }

  /** Keeps the subscription status; returns the supplier it belongs to (null when not ours). */
  async recordSubscription(m: EntityManager, sub: Stripe.Subscription, eventAt: number): Promise<string | null> {
    const [rows] = await m.query(
      `UPDATE billing_accounts SET stripe_subscription_id = COALESCE(stripe_subscription_id, $1), subscription_status = $3,
              subscription_event_at = $4, updated_at = now()
        WHERE (stripe_subscription_id = $1 OR (stripe_subscription_id IS NULL AND stripe_customer_id = $2)) AND subscription_event_at <= $4
        RETURNING supplier_id`,
      [sub.id, stripeId(sub.customer), sub.status, eventAt],
    );
    if (rows[0]) return rows[0].supplier_id;
    const known = await m.query(`SELECT supplier_id FROM billing_accounts WHERE stripe_subscription_id = $1 OR stripe_customer_id = $2`, [sub.id, stripeId(sub.customer)]);
    return known[0]?.supplier_id ?? null;
  }
}
