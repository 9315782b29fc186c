import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DomainEvents } from '../events/domain-events';
import { JobsService } from '../jobs/jobs.service';
import { eventData, WEBHOOK_API_VERSION, WEBHOOK_EVENT_TYPES, WebhookEventType } from './webhook-events';

export const DELIVER_JOB = 'webhooks.deliver';

/** Where a transaction keeps the endpoints it queued deliveries for (queryRunner.data), to wake them after COMMIT. */
const TOUCHED = 'outboundWebhookEndpoints';

/**
 * The outbox: every announced fact (DomainEvents) becomes, in the fact's own transaction, one
 * webhook_events row and one delivery row per enabled endpoint subscribed to its type, with one
 * statement per run of facts (a group of Stripe events or a release batch stays one INSERT). A fact
 * no endpoint wants writes nothing. After the outermost COMMIT the touched endpoints get a
 * delivery job; a rolled-back fact leaves no row and wakes nobody. A wake-up lost in a crash is
 * made good by the sweep job (every minute and at boot).
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly db: DataSource,
    private readonly events: DomainEvents,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const type of WEBHOOK_EVENT_TYPES) this.events.onMany(type, async (m, payloads) => void (await this.enqueue(m, type, payloads as unknown as Record<string, unknown>[])));
    this.db.subscribers.push(this);
  }

  /** Writes the events and their deliveries; returns how many deliveries were queued. */
  async enqueue(m: EntityManager, type: WebhookEventType, payloads: Record<string, unknown>[]): Promise<number> {
    if (payloads.length === 0) return 0;
    const rows: { endpoint_id: string }[] = await m.query(
      `WITH ep AS (SELECT id FROM webhook_endpoints WHERE enabled AND $1 = ANY(event_types)),
            ev AS (INSERT INTO webhook_events (type, api_version, data)
                   SELECT $1, $2, x.d::jsonb FROM unnest($3::text[]) WITH ORDINALITY AS x(d, n)
                    WHERE EXISTS (SELECT 1 FROM ep) ORDER BY x.n
                   RETURNING id, seq)
       INSERT INTO webhook_deliveries (endpoint_id, event_id, event_seq)
       SELECT ep.id, ev.id, ev.seq FROM ev CROSS JOIN ep ORDER BY ev.seq, ep.id
       RETURNING endpoint_id`,
      [type, WEBHOOK_API_VERSION, payloads.map((p) => JSON.stringify(eventData(type, p)))],
    );
    if (rows.length === 0) return 0;
    const endpoints = new Set(rows.map((r) => r.endpoint_id));
    const qr = m.queryRunner;
    if (qr?.isTransactionActive) {
      const touched = ((qr.data as Record<string, unknown>)[TOUCHED] ??= new Set<string>()) as Set<string>;
      for (const id of endpoints) touched.add(id);
    } else this.wake(endpoints);
    return rows.length;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const touched = this.take(event.queryRunner);
    if (touched) this.wake(touched);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.take(event.queryRunner);
  }

  /** The outermost transaction's touched endpoints (once it ended), cleared. */
  private take(qr: QueryRunner): Set<string> | undefined {
    if (qr.isTransactionActive) return undefined;
    const data = qr.data as Record<string, unknown> | undefined;
    const touched = data?.[TOUCHED] as Set<string> | undefined;
    if (touched) delete data![TOUCHED];
    return touched;
  }

  /** A delivery job per endpoint (one queued per endpoint at most: the queue keys them by endpoint). */
  wake(endpointIds: Iterable<string>, startAfter?: Date): void {
    if (!this.config.jobsEnabled) return;
    for (const endpointId of endpointIds) {
      this.jobs.send(DELIVER_JOB, { endpointId }, { singletonKey: endpointId, ...(startAfter ? { startAfter } : {}) }).catch((err: Error) => this.logger.warn({ err: err.message, endpointId }, 'delivery job not queued; the sweep picks it up'));
    }
  }
}
