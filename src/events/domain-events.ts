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
