import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { PostingRequest } from '../ledger/ledger.types';

/**
 * Handles one verified Stripe event inside the transaction that marks it processed in the inbox, so
 * an event's effects and its "processed" mark commit together (exactly once). Must be idempotent on
 * the business key too (e.g. the invoice id), since Stripe may send the same fact as two events.
 *
 * The inbox processes events in groups (one transaction for up to a few hundred events). A handler
 * that moves money does not post itself: it pushes its PostingRequests onto `postings`, and the inbox
 * writes the whole group's postings with one `LedgerService.postMany` call last in the transaction
 * (each ledger account locked once per group, not once per event). Handlers that post nothing may
 * ignore the third argument.
 */
export type StripeEventHandler = (event: Stripe.Event, m: EntityManager, postings: PostingRequest[]) => Promise<void>;

/**
 * Optional set-based form of a type's handler: takes a run of consecutive events of that type (in
 * arrival order) and must leave exactly what calling the single handler on each of them in turn
 * would (same rows, same postings in the same order). Throwing fails the whole run; the inbox then
 * falls back to the single handler, event by event.
 */
export type StripeEventGroupHandler = (events: Stripe.Event[], m: EntityManager, postings: PostingRequest[]) => Promise<void>;

/**
 * Which feature handles which Stripe event type. Features register in onModuleInit, e.g. billing
 * registers invoice.paid and payouts registers account.updated; the webhook inbox dispatches here.
 * Event types nobody registered are stored and acknowledged, never processed.
 */
@Injectable()
export class StripeEventHandlers {
  private readonly handlers = new Map<string, StripeEventHandler>();
  private readonly groupHandlers = new Map<string, StripeEventGroupHandler>();

  register(type: string, handler: StripeEventHandler): void {
    if (this.handlers.has(type)) throw new Error(`Stripe event ${type} already has a handler`);
    this.handlers.set(type, handler);
  }

  /** Adds the set-based form of an already registered type's handler (see StripeEventGroupHandler). */
  registerGroup(type: string, handler: StripeEventGroupHandler): void {
    if (!this.handlers.has(type)) throw new Error(`Stripe event ${type}: register the single handler first`);
    this.groupHandlers.set(type, handler);
  }

  handlerFor(type: string): StripeEventHandler | undefined {
    return this.handlers.get(type);
  }

  groupHandlerFor(type: string): StripeEventGroupHandler | undefined {
    return this.groupHandlers.get(type);
  }
}
