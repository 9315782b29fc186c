import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';

/**
 * Handles one verified Stripe event inside the transaction that marks it processed in the inbox, so
 * an event's effects and its "processed" mark commit together (exactly once). Must be idempotent on
 * the business key too (e.g. the invoice id), since Stripe may send the same fact as two events.
 */
export type StripeEventHandler = (event: Stripe.Event, m: EntityManager) => Promise<void>;

/**
 * Which feature handles which Stripe event type. Features register in onModuleInit, e.g. billing
 * registers invoice.paid and payouts registers account.updated; the webhook inbox dispatches here.
 * Event types nobody registered are stored and acknowledged, never processed.
 */
@Injectable()
export class StripeEventHandlers {
  private readonly handlers = new Map<string, StripeEventHandler>();

  register(type: string, handler: StripeEventHandler): void {
    if (this.handlers.has(type)) throw new Error(`Stripe event ${type} already has a handler`);
    this.handlers.set(type, handler);
  }

  handlerFor(type: string): StripeEventHandler | undefined {
    return this.handlers.get(type);
  }
}
