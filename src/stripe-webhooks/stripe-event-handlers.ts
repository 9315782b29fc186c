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
 * arrival order) and must end in the state calling the single handler on each of them in turn
 * would (same rows, same balances; differences met within the run may be posted netted). Best made
 * the same code path: the single handler being the group handler on a run of one. Throwing fails
 * the whole run; the inbox then falls back to the single handler, event by event.
 */
export type StripeEventGroupHandler = (events: Stripe.Event[], m: EntityManager, postings: PostingRequest[]) => Promise<void>;

/**
 * Optional step run for events BEFORE the transaction that processes them (outside any row lock):
 * where a handler needs Stripe (e.g. which invoice a payment belongs to), it asks here and keeps the
 * answer, so the handler inside the transaction only reads. Best effort: a failure is ignored (the
 * handler may still ask itself).
 */
export type StripeEventPrepare = (events: Stripe.Event[]) => Promise<void>;

/**
 * Which feature handles which Stripe event type. Features register in onModuleInit, e.g. billing
 * registers invoice.paid and payouts registers account.updated; the webhook inbox dispatches here.
 * Event types nobody registered are stored and acknowledged, never processed.
 */
@Injectable()
export class StripeEventHandlers {
  private readonly handlers = new Map<string, StripeEventHandler>();
  private readonly groupHandlers = new Map<string, StripeEventGroupHandler>();
  private readonly prepares = new Map<string, StripeEventPrepare>();

  register(type: string, handler: StripeEventHandler): void {
    if (this.handlers.has(type)) throw new Error(`Stripe event ${type} already has a handler`);
    this.handlers.set(type, handler);
  }

  /** Adds the set-based form of an already registered type's handler (see StripeEventGroupHandler). */
  registerGroup(type: string, handler: StripeEventGroupHandler): void {
    if (!this.handlers.has(type)) throw new Error(`Stripe event ${type}: register the single handler first`);
    this.groupHandlers.set(type, handler);
  }

  /** Adds the before-the-transaction step of an already registered type (see StripeEventPrepare). */
  registerPrepare(type: string, prepare: StripeEventPrepare): void {
    if (!this.handlers.has(type)) throw new Error(`Stripe event ${type}: register the single handler first`);
    this.prepares.set(type, prepare);
  }

  /** Event types that have a prepare step. */
  preparedTypes(): string[] {
    return [...this.prepares.keys()];
  }

  /** Runs the prepare steps of these events (each step once, with its events in order); never throws. */
  async prepare(events: Stripe.Event[]): Promise<void> {
    const byStep = new Map<StripeEventPrepare, Stripe.Event[]>();
    for (const e of events) {
      const step = e && this.prepares.get(e.type);
      if (step) byStep.set(step, [...(byStep.get(step) ?? []), e]);
    }
    for (const [step, list] of byStep) await step(list).catch(() => undefined);
  }

  handlerFor(type: string): StripeEventHandler | undefined {
    return this.handlers.get(type);
  }

  groupHandlerFor(type: string): StripeEventGroupHandler | undefined {
    return this.groupHandlers.get(type);
  }
}
