import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { stripeId } from '../billing/stripe-shapes';
import { StripeClient } from '../stripe/stripe.client';
import { CommissionFactsRepository } from './commission-facts.repository';

/** The payment intent a refund, charge or dispute event is about. */
export function paymentIntentOf(event: Stripe.Event): string | null {
  const o = event.data?.object as { payment_intent?: string | { id: string } | null } | undefined;
  return stripeId(o?.payment_intent ?? null);
}

/**
 * Which invoice a payment belongs to. Stripe links them through invoice payments (charge.invoice no
 * longer exists in the pinned version); a link once learnt is kept. `learn` asks Stripe and stores
 * the link in its own short write, BEFORE the event's transaction (the inbox calls it through the
 * handlers' prepare step), so no Stripe call waits while row locks are held; `invoiceOf` then only
 * reads. A link not learnt beforehand (an event claimed without its prepare step) is asked for then.
 */
@Injectable()
export class PaymentLinks {
  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly facts: CommissionFactsRepository,
  ) {}

  async learn(events: Stripe.Event[]): Promise<void> {
    for (const pi of new Set(events.map(paymentIntentOf).filter((x): x is string => x !== null))) {
      if (await this.facts.invoiceOfPaymentIntent(this.db.manager, pi)) continue;
      const invoiceId = await this.ask(pi);
      if (invoiceId) await this.facts.rememberPaymentIntent(this.db.manager, pi, invoiceId);
    }
  }

  async invoiceOf(m: EntityManager, paymentIntentId: string | null): Promise<string | null> {
    if (!paymentIntentId) return null;
    const known = await this.facts.invoiceOfPaymentIntent(m, paymentIntentId);
    if (known) return known;
    const invoiceId = await this.ask(paymentIntentId);
    if (invoiceId) await this.facts.rememberPaymentIntent(m, paymentIntentId, invoiceId);
    return invoiceId;
  }

  private async ask(paymentIntentId: string): Promise<string | null> {
    const page = await this.stripe.api.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntentId }, limit: 1 });
    return stripeId(page.data[0]?.invoice as string | { id: string } | undefined);
  }
}
