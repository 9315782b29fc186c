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

@Injectable()
export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  async publish<K extends DomainEventName>(m: EntityManager, name: K, payload: DomainEventMap[K]): Promise<void> {
    for (const handler of this.handlers.get(name) ?? []) await handler(m, payload);
  }
}
