import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../access/role';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { NotificationService } from '../mail/notifications.service';
import { decryptDetails } from '../common/crypto/details-crypto';
import { eventBody } from './webhook-events';
import { DELIVER_JOB, WebhookOutbox } from './webhook-outbox';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export const SWEEP_JOB = 'webhooks.sweep';

/** Advisory-lock namespace: one sender per endpoint at a time, across instances. */
const ENDPOINT_LOCK = 884501;
/** Longest wait between two attempts. */
const MAX_DELAY_SECONDS = 6 * 3600;
/** Deliveries sent to one endpoint per job before it yields to other endpoints (the job is queued again). */
const PER_JOB = 200;
const KEEP_RESPONSE_CHARS = 2000;

interface Head {
  id: string;
  endpoint_id: string;
  attempts: number;
  status: string;
  next_attempt_at: Date;
  created_at: Date;
  event_id: string;
  type: string;
  api_version: string;
  event_created_at: Date;
  data: unknown;
  url: string;
  secret_encrypted: Buffer;
  enabled: boolean;
}

export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  ms: number;
  error: string | null;
}

/** The secret's encryption binds it to its endpoint (a blob copied onto another row fails to open). */
export const secretAad = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/**
 * Sends queued deliveries: per endpoint, the oldest pending event first, and the next only after
 * it succeeded or was given up (one sender per endpoint: an advisory lock held for the attempt,
 * in the transaction that records it). A failure waits retryBase·2ⁿ (at most 6 h) and is retried
 * until retryWindow (3 days) after the event; then the delivery is given up, the endpoint turned
 * off and the admins told. A process killed mid-request leaves the delivery pending (its
 * transaction never committed): it is sent again, the only duplicate a crash makes.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly jobs: JobsService,
    private readonly outbox: WebhookOutbox,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // 'short': at most one queued job per endpoint (singletonKey), any number running.
    this.jobs.register<{ endpointId?: string }>({
      name: DELIVER_JOB,
      policy: 'short',
      retryLimit: 3,
      retryDelaySeconds: 5,
      handler: async (d) => void (d.endpointId ? await this.deliverEndpoint(d.endpointId) : await this.sweep()),
    });
    this.jobs.register({ name: SWEEP_JOB, cron: '* * * * *', retryLimit: 1, handler: async () => void (await this.sweep()) });
  }

  /** After a restart, deliveries left pending (in flight when the process died) go out at once. */
  onApplicationBootstrap(): void {
    if (this.config.jobsEnabled) void this.sweep().catch((err: Error) => this.logger.warn({ err: err.message }, 'boot sweep failed; the minute job retries'));
  }

  /** Queues a delivery job for every enabled endpoint with a pending delivery. */
  async sweep(): Promise<number> {
    const rows: { endpoint_id: string; due: Date }[] = await this.db.query(
      `SELECT d.endpoint_id, min(d.next_attempt_at) AS due FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND e.enabled GROUP BY d.endpoint_id`,
    );
    for (const r of rows) this.outbox.wake([r.endpoint_id], r.due > new Date() ? r.due : undefined);
    return rows.length;
  }

  /** Delivers every due delivery of every endpoint in this process (tests, the CLI). */
  async deliverDue(): Promise<number> {
    const rows: { endpoint_id: string }[] = await this.db.query(`SELECT DISTINCT d.endpoint_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND e.enabled`);
    let sent = 0;
    for (const r of rows) sent += await this.deliverEndpoint(r.endpoint_id);
    return sent;
  }

  /** Starts deliverEndpoint in this process without waiting (after a manual redelivery or re-enabling). */
  deliverSoon(endpointId: string): void {
    if (this.running.has(endpointId)) return;
    const run = this.deliverEndpoint(endpointId)
      .then(() => undefined)
      .catch((err: Error) => this.logger.warn({ err: err.message, endpointId }, 'delivery run failed; the sweep retries'))
      .finally(() => this.running.delete(endpointId));
    this.running.set(endpointId, run);
  }

  /** Waits for runs started by deliverSoon (tests). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /**
   * Sends the endpoint's pending deliveries in event order until one fails or none is due; returns
   * how many were sent. When the head waits for a retry, a job is queued for that moment.
   */
  async deliverEndpoint(endpointId: string): Promise<number> {
    let attempted = 0;
    for (;;) {
      const step = await this.db.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ENDPOINT_LOCK, endpointId]);
        const head = await this.head(m, endpointId);
        if (!head || !head.enabled) return { done: true } as const;
        if (new Date(head.next_attempt_at).getTime() > Date.now()) return { done: true, later: new Date(head.next_attempt_at) } as const;
        const outcome = await this.attempt(m, head, false);
        return { done: !outcome.ok, later: outcome.ok ? undefined : await this.afterFailure(m, head, outcome) } as const;
      });
      if (step.done) {
        if (step.later) this.outbox.wake([endpointId], step.later);
        return attempted;
      }
      attempted++;
      if (attempted >= PER_JOB) {
        this.outbox.wake([endpointId]);
        return attempted;
      }
    }
  }

  /**
   * Sends one delivery now, whatever its state (the admin's "redeliver"), logged as a manual
   * attempt. A success settles a pending or given-up delivery; the endpoint's queue then moves on.
   */
  async redeliver(endpointId: string, deliveryId: string): Promise<AttemptOutcome | null> {
    const outcome = await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [ENDPOINT_LOCK, endpointId]);
      const [head]: Head[] = await m.query(`${HEAD_SQL} WHERE d.id = $1 AND d.endpoint_id = $2`, [deliveryId, endpointId]);
      if (!head) return null;
      return this.attempt(m, head, true);
    });
    if (outcome?.ok) this.deliverSoon(endpointId);
    return outcome;
  }

  private async head(m: EntityManager, endpointId: string): Promise<Head | undefined> {
    const [head]: Head[] = await m.query(`${HEAD_SQL} WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.event_seq LIMIT 1 FOR UPDATE OF d`, [endpointId]);
    return head;
  }

  /** One HTTP POST, logged; a 2xx marks the delivery delivered. */
  private async attempt(m: EntityManager, d: Head, manual: boolean): Promise<AttemptOutcome> {
    const body = eventBody({ id: d.event_id, type: d.type, api_version: d.api_version, created_at: d.event_created_at, data: d.data });
    const { secret } = decryptDetails<{ secret: string }>(this.config.payoutDetailsKey, secretAad(d.endpoint_id), d.secret_encrypted);
    const startedAt = new Date();
    let status: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Handshake-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(startedAt.getTime() / 1000)),
          'Handshake-Event-Id': d.event_id,
          'Handshake-Event-Type': d.type,
        },
      });
      status = res.status;
      responseBody = (await res.text()).slice(0, KEEP_RESPONSE_CHARS);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      error = e.name === 'TimeoutError' ? `no answer within ${this.config.webhooks.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed');
    }
    const ms = Date.now() - startedAt.getTime();
    const ok = error === null;
    await m.query(
      `INSERT INTO webhook_attempts (delivery_id, manual, started_at, request_body, response_status, response_ms, response_body, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [d.id, manual, startedAt, body, status, ms, responseBody, error?.slice(0, 500) ?? null],
    );
    await m.query(
      `UPDATE webhook_deliveries SET last_attempt_at = $2, last_status = $3, last_error = $4,
              attempts = attempts + CASE WHEN $6 THEN 0 ELSE 1 END,
              status = CASE WHEN $5 THEN 'delivered' ELSE status END,
              delivered_at = CASE WHEN $5 THEN now() ELSE delivered_at END
        WHERE id = $1`,
      [d.id, startedAt, status, error?.slice(0, 500) ?? null, ok, manual],
    );
    return { ok, status, ms, error };
  }

  /** Schedules the next attempt, or gives the delivery up (and turns the endpoint off) once the window is over. */
  private async afterFailure(m: EntityManager, d: Head, outcome: AttemptOutcome): Promise<Date | undefined> {
    const { retryBaseSeconds, retryWindowSeconds } = this.config.webhooks;
    const deadline = new Date(d.created_at).getTime() + retryWindowSeconds * 1000;
    if (Date.now() >= deadline) {
      await m.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1`, [d.id]);
      const reason = `gave up on event ${d.type} after ${d.attempts + 1} attempts (last: ${outcome.error ?? 'failed'})`;
      const [off] = await m.query(
        `UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled RETURNING url`,
        [d.endpoint_id, reason.slice(0, 500)],
      );
      if (off) {
        this.logger.warn({ endpointId: d.endpoint_id, url: off.url }, 'webhook endpoint turned off after persistent failure');
        await this.notifications.notify(m, 'admin.webhook_endpoint_disabled', { role: Role.Admin }, { endpointId: d.endpoint_id, url: off.url, eventType: d.type, attempts: d.attempts + 1 }, { dedupeKey: `webhook-endpoint-disabled:${d.endpoint_id}:${d.id}` });
        setImmediate(() => this.notifications.deliverSoon());
      }
      return undefined;
    }
    const delaySeconds = Math.min(retryBaseSeconds * 2 ** Math.min(d.attempts, 20), MAX_DELAY_SECONDS);
    const next = new Date(Math.min(Date.now() + delaySeconds * 1000, deadline));
    await m.query(`UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1`, [d.id, next]);
    return next;
  }
}

const HEAD_SQL = `SELECT d.id::text AS id, d.endpoint_id, d.attempts, d.status, d.next_attempt_at, d.created_at, ev.id AS event_id, ev.type, ev.api_version,
                         ev.created_at AS event_created_at, ev.data, e.url, e.secret_encrypted, e.enabled
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events ev ON ev.id = d.event_id`;
