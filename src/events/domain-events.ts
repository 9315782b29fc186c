import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Facts one feature announces and others react to, without importing each other (no module
 * cycles). Handlers run synchronously inside the publisher's transaction, so a reaction (e.g. a
 * funnel counter) commits or rolls back with the fact itself.
 */
export interface DomainEventMap {
  /** A buyer became a referrer; campaignToken when they came through a campaign link. */
  'referrer.registered': { referrerId: string; campaignToken?: string };
  /** A supplier signed up with a referrer's code (the attribution exists now). */
  'supplier.attributed': { supplierId: string; referrerId: string };
  /** A referred supplier's first invoice was paid. */
  'supplier.converted': { supplierId: string; referrerId: string };
  /** An invoice's commission grew (amount in minor units of currency; cause names what moved it). */
  'commission.earned': CommissionChange;
  /** A commission's hold ended: the amount moved from pending to available. */
  'commission.available': CommissionChange;
  /** A commission shrank (refund, lost dispute or a correction); amount is the positive size of the cut. */
  'commission.clawed_back': CommissionChange;
  /** A payout item was paid (Stripe transfer or a bank transfer marked paid). */
  'payout.paid': PayoutOutcome;
  /** A payout item failed; its money is back on the referrer's available balance. */
  'payout.failed': PayoutOutcome;
  /** A lead was offered to an exchange member. */
  'lead.routed': { leadId: string; memberId: string; assignmentId: string; expiresAt: string };
  /** The receiving member won the deal (value in minor units of currency). */
  'lead.won': { leadId: string; memberId: string; wonValue: string; currency: string };
  /** The receiving member lost the deal. */
  'lead.lost': { leadId: string; memberId: string; reason: string };
}

export interface CommissionChange {
  commissionId: string;
  invoiceId: string;
  referrerId: string;
  supplierId: string | null;
  /** Minor units, as a decimal string (never a JS number). */
  amount: string;
  currency: string;
  cause: string;
  /** 'bonus' for the one-off bonus of a supplier's first payment (commissionId is then the bonus id); absent for a commission. */
  kind?: 'bonus';
}

export interface PayoutOutcome {
  payoutItemId: string;
  batchId: string;
  referrerId: string;
  amount: string;
  currency: string;
  method: string;
  transferId: string | null;
  failureReason: string | null;
}

export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (m: EntityManager, payload: DomainEventMap[K]) => Promise<void>;
type ManyHandler<K extends DomainEventName> = (m: EntityManager, payloads: DomainEventMap[K][]) => Promise<void>;

@Injectable()
export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();
  private readonly manyHandlers = new Map<DomainEventName, ManyHandler<any>[]>();

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  /**
   * A reaction that takes a run of facts at once (one set-based statement for a group of webhook
   * events instead of one per fact); it gets `publish`'d facts as runs of one.
   */
  onMany<K extends DomainEventName>(name: K, handler: ManyHandler<K>): void {
    this.manyHandlers.set(name, [...(this.manyHandlers.get(name) ?? []), handler]);
  }

  async publish<K extends DomainEventName>(m: EntityManager, name: K, payload: DomainEventMap[K]): Promise<void> {
    await this.publishMany(m, name, [payload]);
  }

  /** Several facts of one kind at once, in order: `on` handlers get each, `onMany` handlers the run. */
  async publishMany<K extends DomainEventName>(m: EntityManager, name: K, payloads: DomainEventMap[K][]): Promise<void> {
    if (payloads.length === 0) return;
    for (const handler of this.handlers.get(name) ?? []) for (const payload of payloads) await handler(m, payload);
    for (const handler of this.manyHandlers.get(name) ?? []) await handler(m, payloads);
  }
}
