import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { DomainException } from '../common/errors/domain.exception';
import { JobsService } from '../jobs/jobs.service';
import { Role } from '../access/role';
import { NotificationService } from '../mail/notifications.service';
import { LedgerService } from '../ledger/ledger.service';
import { PostingRequest } from '../ledger/ledger.types';
import { StripeClient, StripeException } from '../stripe/stripe.client';
import { StripeEventHandlers } from './stripe-event-handlers';
import { InboxWriter } from './inbox-writer';
import { WebhookAckView, WebhookEventView, WebhookRetryReportView } from './stripe-webhook.dto';
import { StripeWebhookErrorCode, StripeWebhookException } from './stripe-webhook.exception';

export const RETRY_JOB = 'stripe-webhooks.retry';

/** Waits before the retries of a failed event: 15 s doubling to at most an hour (looked up by attempt in SQL). */
/** Events claimed and processed in one transaction (one commit, one postMany for all of them). */
const GROUP_SIZE = 200;
/**
 * Processor loops per instance at most: the main one, and while its claims come back full (a
 * backlog) one helper (see drain). Two loops running all the time made groups small and cost more
 * per event; one loop alone left a backlog worked off on one core (webhooks benchmark, 2 cores).
 */
const PROCESSORS = 2;
/** A received event not processed within this long is the retry job's (crash, overload). */
const STALE_AFTER_SECONDS = 30;
/**
 * Attempts before an event is dead-lettered: the retry job stops and an admin decides (retry by hand
 * once the cause is fixed). With the backoff below (15 s doubling, at most 1 h) the last automatic
 * attempt comes about two hours after the first.
 */
export const MAX_ATTEMPTS = 10;
/** First retry delay, doubled after every failed attempt up to MAX_BACKOFF_SECONDS. */
export const FIRST_BACKOFF_SECONDS = 15;
export const MAX_BACKOFF_SECONDS = 3600;

/**
 * Events this instance stored and has not processed yet, as parsed at receive (at most this many):
 * the processor's claim then reads no payload back (the inbox rows hold the same JSON). Events
 * claimed by another instance, or past the cap, are read from the inbox as before.
 */
const PARSED_CAP = GROUP_SIZE * 25;

export type ProcessOutcome = 'processed' | 'ignored' | 'failed' | 'dead_letter' | 'skipped';

interface ClaimedEvent {
  id: string;
  type: string;
  payload: Stripe.Event;
  received_at: Date;
}

/**
 * The Stripe webhook inbox. Receiving = verify the signature on the raw body, store the event keyed
 * by its id (ON CONFLICT DO NOTHING; concurrent deliveries share one insert, see InboxWriter), wake
 * the processor and answer: the answer never waits for processing.
 *
 * Processing is by group: one transaction claims up to GROUP_SIZE received events
 * (FOR UPDATE SKIP LOCKED, so every instance's processor can run at once without taking the same
 * event), marks them processed, runs their handlers in arrival order, writes all their ledger
 * postings with one postMany, and commits: effects and marks commit together, so an event takes
 * effect exactly once however often it is delivered or retried. If anything in the group fails the
 * group rolls back and its events are processed one by one (`process`), so only the bad event is
 * marked failed (with its reason) and left to the retry job.
 */
@Injectable()
export class StripeInboxService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('StripeInbox');
  private readonly writer: InboxWriter;
  /** Set by every stored event; the processor loops while it is set. */
  private wakeRequested = false;
  /** The processor loop runs; helper loops running beside it (see drain). */
  private mainRunning = false;
  private helpers = 0;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];
  /** See PARSED_CAP: event id → the event as receive parsed it. */
  private readonly parsed = new Map<string, Stripe.Event>();

  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly handlers: StripeEventHandlers,
    private readonly ledger: LedgerService,
    private readonly jobs: JobsService,
    private readonly notifications: NotificationService,
  ) {
    this.writer = new InboxWriter(db);
  }

  onModuleInit(): void {
    this.jobs.register({ name: RETRY_JOB, cron: '* * * * *', policy: 'singleton', retryLimit: 0, handler: async () => void (await this.retryDue()) });
  }

  /** Stops the processor after its current group: events left 'received' are the retry job's. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.whenIdle();
  }

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookAckView> {
    if (!rawBody || !signature) throw new StripeWebhookException(StripeWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID, 'Missing Stripe-Signature header or body');
    refuseFutureTimestamp(signature);
    let event: Stripe.Event;
    try {
      event = this.stripe.constructEvent(rawBody, signature);
    } catch (err) {
      if (err instanceof StripeException) throw err;
      // The body stays raw until here (see stripe-delivery-route): a signed body that is not JSON.
      if (err instanceof SyntaxError) throw new CommonException(CommonErrorCode.MALFORMED_JSON, 'The request body is not valid JSON');
      throw new StripeWebhookException(StripeWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID, `Signature verification failed: ${(err as Error).message}`);
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
      throw new StripeWebhookException(StripeWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID, 'The signed payload is not a Stripe event (no id or type)');
    }
    const handled = this.handlers.handlerFor(event.type) !== undefined;
    const inserted = await this.writer.store({ id: event.id, type: event.type, payload: rawBody.toString('utf8'), handled });
    if (inserted && handled) {
      // Full: the oldest are claimed next, so they stay; this one is read back from the inbox.
      if (this.parsed.size < PARSED_CAP) this.parsed.set(event.id, event);
      this.wake();
    }
    return { received: true, duplicate: !inserted };
  }

  /** In-process signal: a new event is stored. Starts the processor loop unless it runs (it then claims again before it stops). */
  private wake(): void {
    if (this.stopping) return;
    this.wakeRequested = true;
    if (!this.mainRunning) this.startLoop(false);
  }

  private startLoop(helper: boolean): void {
    if (helper) this.helpers++;
    else this.mainRunning = true;
    void this.drain(helper)
      .catch((err) => this.logger.error({ err }, 'stripe inbox processor crashed; the retry job will pick up what is left'))
      .finally(() => {
        if (helper) this.helpers--;
        else this.mainRunning = false;
        if (!helper && this.wakeRequested && !this.stopping) this.wake();
        else if (!this.mainRunning && this.helpers === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
  }

  /**
   * A processor loop. The main one claims and processes groups until a claim finds nothing and
   * nothing new was stored meanwhile. While its claims come back full (a backlog), it starts helper
   * loops (up to PROCESSORS in all), which run while their own claims are full: a backlog is worked
   * off on more than one core, while a processor that keeps up stays one loop with groups as large
   * as the arrivals allow. SKIP LOCKED keeps loops (and other instances) on different events.
   */
  private async drain(helper: boolean): Promise<void> {
    while (!this.stopping) {
      if (!helper) this.wakeRequested = false;
      const { claimed } = await this.processGroup();
      const full = claimed >= GROUP_SIZE;
      if (helper && !full) return;
      if (!helper && claimed === 0 && !this.wakeRequested) {
        // Nothing left to claim and nothing stored since the claim began: what is still kept parsed
        // was taken by another instance or the retry job, and would otherwise stay for ever.
        this.parsed.clear();
        return;
      }
      if (full && !helper && this.helpers < PROCESSORS - 1) this.startLoop(true);
    }
  }

  /** Resolves when the processor has nothing left (tests, benchmark, shutdown). */
  whenIdle(): Promise<void> {
    if (!this.mainRunning && this.helpers === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Claims up to `limit` received events (oldest first, skipping those another worker holds) and
   * processes them in one transaction; on failure, one by one. Returns how many it claimed and how
   * many of those ended failed.
   */
  async processGroup(limit = GROUP_SIZE): Promise<{ claimed: number; failed: number; deadLettered: number }> {
    let claimed: ClaimedEvent[] = [];
    await this.prepareNext(limit);
    try {
      await this.db.transaction(async (m) => {
        // The inbox rows themselves are durable already; if this commit is lost in a crash the rows
        // stay 'received' and the retry job redoes the work, so the commit need not wait for fsync.
        const [claimedRows]: [(Omit<ClaimedEvent, 'payload'> & { payload?: Stripe.Event })[], number] = await m.query(
          `UPDATE stripe_webhook_events e SET status = 'processed', processed_at = now(), attempts = e.attempts + 1, last_error = NULL, next_attempt_at = NULL
            WHERE e.id = ANY(ARRAY(SELECT id FROM stripe_webhook_events WHERE status = 'received' ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED))
              AND e.status = 'received'
        RETURNING e.id, e.type, e.received_at, set_config('synchronous_commit', 'off', true) AS sync`,
          [limit],
        );
        const rows = await this.withPayloads(m, claimedRows);
        // Arrival order (one insert batch shares received_at; ids break the tie deterministically).
        claimed = rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const postings: PostingRequest[] = [];
        const ignored: string[] = [];
        for (let i = 0; i < claimed.length; ) {
          const row = claimed[i];
          const group = this.handlers.groupHandlerFor(row.type);
          if (group) {
            // A run of consecutive events of one type with a set-based handler: handled at once.
            let end = i + 1;
            while (end < claimed.length && claimed[end].type === row.type) end++;
            await group(claimed.slice(i, end).map((r) => r.payload), m, postings);
            i = end;
            continue;
          }
          const handler = this.handlers.handlerFor(row.type);
          if (handler) await handler(row.payload, m, postings);
          else ignored.push(row.id);
          i++;
        }
        if (ignored.length > 0) await m.query(`UPDATE stripe_webhook_events SET status = 'ignored' WHERE id = ANY($1)`, [ignored]);
        if (postings.length > 0) await this.ledger.postMany(m, postings);
      });
      return { claimed: claimed.length, failed: 0, deadLettered: 0 };
    } catch (err) {
      if (claimed.length === 0) throw err; // the claim itself failed: nothing was taken
      if (claimed.length === 1) {
        const outcome = await this.recordFailure(claimed[0].id, err);
        return { claimed: 1, failed: outcome === 'failed' ? 1 : 0, deadLettered: outcome === 'dead_letter' ? 1 : 0 };
      }
      // Rolled back: every event is 'received' again. One by one, so only the bad one fails.
      let failed = 0;
      let deadLettered = 0;
      for (const row of claimed) {
        const outcome = await this.process(row.id, row.payload);
        if (outcome === 'failed') failed++;
        else if (outcome === 'dead_letter') deadLettered++;
      }
      return { claimed: claimed.length, failed, deadLettered };
    }
  }

  /** The claimed events' payloads: as parsed at receive where this instance has them, else read from the inbox. */
  private async withPayloads(m: EntityManager, rows: (Omit<ClaimedEvent, 'payload'> & { payload?: Stripe.Event })[]): Promise<ClaimedEvent[]> {
    const missing: string[] = [];
    for (const r of rows) {
      r.payload = this.parsed.get(r.id);
      if (r.payload) this.parsed.delete(r.id);
      else missing.push(r.id);
    }
    if (missing.length > 0) {
      const stored: { id: string; payload: Stripe.Event }[] = await m.query(`SELECT id, payload FROM stripe_webhook_events WHERE id = ANY($1::text[])`, [missing]);
      const byId = new Map(stored.map((x) => [x.id, x.payload]));
      for (const r of rows) r.payload ??= byId.get(r.id);
    }
    return rows as ClaimedEvent[];
  }

  /**
   * Processes one stored event exactly once in its own transaction; a locked or finished row is
   * skipped. `event` is the already-parsed payload when the caller has it (saves reading it back).
   * A dead letter is processed too (only admins and the CLI ask for one).
   */
  async process(id: string, event?: Stripe.Event): Promise<ProcessOutcome> {
    if (event) await this.handlers.prepare([event]);
    try {
      return await this.db.transaction(async (m) => {
        const [rows]: [{ type: string; payload?: Stripe.Event }[], number] = await m.query(
          `UPDATE stripe_webhook_events e SET status = 'processed', processed_at = now(), attempts = e.attempts + 1, last_error = NULL, next_attempt_at = NULL
             FROM (SELECT id FROM stripe_webhook_events WHERE id = $1 AND status IN ('received','failed','dead_letter') FOR UPDATE SKIP LOCKED) x
            WHERE e.id = x.id
        RETURNING e.type, ${event ? '' : 'e.payload, '}set_config('synchronous_commit', 'off', true) AS sync`,
          [id],
        );
        if (rows.length === 0) return 'skipped';
        const handler = this.handlers.handlerFor(rows[0].type);
        if (!handler) {
          await m.query(`UPDATE stripe_webhook_events SET status = 'ignored' WHERE id = $1`, [id]);
          return 'ignored';
        }
        const postings: PostingRequest[] = [];
        await handler(event ?? rows[0].payload!, m, postings);
        if (postings.length > 0) await this.ledger.postMany(m, postings);
        return 'processed';
      });
    } catch (err) {
      return this.recordFailure(id, err);
    }
  }

  /**
   * The handlers' Stripe look-ups for the events next in line, before their transaction (no row
   * lock held): those of a prepared type among the next `limit` received (the ones the claim takes).
   * Looking only that far keeps the query bounded however long the backlog of other types is.
   */
  private async prepareNext(limit: number): Promise<void> {
    const types = this.handlers.preparedTypes();
    if (types.length === 0) return;
    const rows: { payload: Stripe.Event }[] = await this.db.query(
      `SELECT e.payload FROM (SELECT id, type, received_at FROM stripe_webhook_events WHERE status = 'received' ORDER BY received_at LIMIT $1) n
         JOIN stripe_webhook_events e ON e.id = n.id
        WHERE n.type = ANY($2::text[]) ORDER BY n.received_at`,
      [limit, types],
    );
    if (rows.length > 0) await this.handlers.prepare(rows.map((r) => r.payload));
  }

  /**
   * Records a failed attempt with its reason. Below MAX_ATTEMPTS the event is 'failed' and the retry
   * job tries again after an exponential backoff (FIRST_BACKOFF_SECONDS doubling, at most
   * MAX_BACKOFF_SECONDS); the attempt that reaches MAX_ATTEMPTS dead-letters it (no next attempt).
   */
  private async recordFailure(id: string, err: unknown): Promise<'failed' | 'dead_letter'> {
    const reason = describe(err);
    const [rows]: [{ status: 'failed' | 'dead_letter'; attempts: number; type: string }[], number] = await this.db.query(
      `UPDATE stripe_webhook_events
          SET attempts = attempts + 1, last_error = $2,
              status = CASE WHEN attempts + 1 >= $3 THEN 'dead_letter' ELSE 'failed' END,
              next_attempt_at = CASE WHEN attempts + 1 >= $3 THEN NULL
                                     ELSE now() + make_interval(secs => least($5::float8, $4::float8 * power(2, least(attempts, 30)))) END,
              dead_lettered_at = CASE WHEN attempts + 1 >= $3 THEN now() ELSE dead_lettered_at END
        WHERE id = $1 AND status IN ('received','failed','dead_letter')
    RETURNING status, attempts, type`,
      [id, reason.slice(0, 2000), MAX_ATTEMPTS, FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS],
    );
    const outcome = rows[0]?.status ?? 'failed';
    if (rows[0]) await this.notifications.notify(this.db.manager, 'admin.webhook_failing', { role: Role.Admin }, { eventId: id, type: rows[0].type, status: outcome });
    if (outcome === 'dead_letter') this.logger.error({ id, reason, attempts: rows[0].attempts }, 'stripe event dead-lettered: no more automatic retries; an admin may retry it');
    else this.logger.warn({ id, reason }, 'stripe event failed; the retry job will try again');
    return outcome;
  }

  /**
   * The retry job: failed events whose time has come, and received ones nobody processed. `all`:
   * every failed event whatever its retry time; `deadLetters`: dead letters too (by hand only).
   */
  async retryDue(limit = 500, all = false, deadLetters = false): Promise<WebhookRetryReportView> {
    // Failed events whose time has come (`all`: every failed one), one by one.
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM stripe_webhook_events
        WHERE (status = 'failed' AND ($2 OR next_attempt_at <= now())) OR ($3 AND status = 'dead_letter')
        ORDER BY received_at LIMIT $1`,
      [limit, all, deadLetters],
    );
    const report = { tried: rows.length, processed: 0, failed: 0, deadLettered: 0, deadLettersWaiting: 0 };
    for (const { id } of rows) {
      const outcome = await this.process(id);
      if (outcome === 'failed') report.failed++;
      else if (outcome === 'dead_letter') report.deadLettered++;
      else report.processed++;
    }
    // Received events left behind (a crash, a processor that fell behind; `all`: any age): in groups,
    // oldest first, like the processor does, so falling behind never degrades to one event per commit.
    const [stale] = await this.db.query(
      `SELECT 1 AS x FROM stripe_webhook_events WHERE status = 'received' AND ($1 OR received_at < now() - make_interval(secs => $2)) LIMIT 1`,
      [all, STALE_AFTER_SECONDS],
    );
    while (stale && report.tried < limit) {
      const size = Math.min(GROUP_SIZE, limit - report.tried);
      const group = await this.processGroup(size);
      report.tried += group.claimed;
      report.failed += group.failed;
      report.deadLettered += group.deadLettered;
      report.processed += group.claimed - group.failed - group.deadLettered;
      if (group.claimed < size) break;
    }
    const [waiting] = await this.db.query(`SELECT count(*)::int AS n FROM stripe_webhook_events WHERE status = 'dead_letter'`);
    report.deadLettersWaiting = waiting.n;
    return report;
  }

  /** Admins: every dead letter once more, by hand (after the cause is fixed). */
  retryDeadLetters(limit = 1000): Promise<WebhookRetryReportView> {
    return this.retryDue(limit, false, true);
  }

  async retryOne(id: string): Promise<WebhookEventView> {
    await this.one(id);
    await this.process(id);
    return this.one(id);
  }

  async list(status: string | undefined, limit: number, offset: number): Promise<WebhookEventView[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT id, type, status, attempts, last_error, received_at, processed_at, next_attempt_at, dead_lettered_at FROM stripe_webhook_events
        WHERE ($1::text IS NULL OR status = $1) ORDER BY received_at DESC, id LIMIT $2 OFFSET $3`,
      [status ?? null, limit, offset],
    );
    return rows.map(toView);
  }

  /** How many events wait for the retry job (failed) and for an admin (dead letters). */
  async problemCounts(): Promise<{ failed: number; deadLetter: number }> {
    const [r]: { failed: number; dead: number }[] = await this.db.query(
      `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'dead_letter')::int AS dead
         FROM stripe_webhook_events WHERE status IN ('failed','dead_letter')`,
    );
    return { failed: r.failed, deadLetter: r.dead };
  }

  async one(id: string): Promise<WebhookEventView> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT id, type, status, attempts, last_error, received_at, processed_at, next_attempt_at, dead_lettered_at FROM stripe_webhook_events WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw new StripeWebhookException(StripeWebhookErrorCode.WEBHOOK_EVENT_NOT_FOUND, `No stored Stripe event ${id}`);
    return toView(rows[0]);
  }
}

/** Stripe's signature tolerance, seconds: the library refuses older timestamps, we refuse later ones too. */
const TOLERANCE_SECONDS = 300;

/** Refuses a Stripe-Signature whose timestamp lies more than the tolerance in the future (the library checks only the past). */
function refuseFutureTimestamp(signature: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (!signature) return;
  for (const part of signature.split(',')) {
    const [key, value] = part.split('=', 2);
    if (key?.trim() !== 't') continue;
    const timestamp = Number(value);
    if (Number.isFinite(timestamp) && timestamp - nowSeconds > TOLERANCE_SECONDS) {
      throw new StripeWebhookException(StripeWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID, 'Signature verification failed: timestamp is in the future, outside the tolerance zone');
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof DomainException) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function toView(r: Record<string, any>): WebhookEventView {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
    nextAttemptAt: r.next_attempt_at,
    deadLetteredAt: r.dead_lettered_at,
  };
}
