import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { backoffDelayMs } from '../common/retry/retry';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CompiledTemplate, EmailTemplateService } from '../email-templates/email-template.service';
import { bumpCounters, CounterDeltas } from '../funnel/funnel-counters';
import { MailerService, MailSendError } from '../mail/mailer.service';
import { CampaignLinks } from './campaign-links';
import { CampaignService } from './campaign.service';

interface ClaimedSend {
  id: string;
  campaign_id: string;
  email: string;
  attempts: number;
  name: string | null;
  company: string | null;
  attributes: Record<string, unknown>;
  suppressed: boolean;
}

interface Outcome {
  id: string;
  status: 'queued' | 'sent' | 'bounced' | 'failed' | 'skipped';
  attempts: number;
  nextAt: Date | null;
  sentAt: Date | null;
  messageId: string | null;
  error: string | null;
}

/** Spaces sends evenly at the configured messages per second (per instance). */
class RateLimiter {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async take(): Promise<void> {
    const interval = 1000 / this.perSecond;
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + interval;
    if (slot - now >= 1) await new Promise((r) => setTimeout(r, slot - now));
  }
}

export const MAX_ATTEMPTS = 5;

/**
 * Works the per-recipient send rows of campaigns that are sending. Each batch is claimed with
 * FOR UPDATE SKIP LOCKED inside a transaction that stays open while its messages go out and is
 * committed with their outcomes. Several loops and several app instances share the work; if a
 * process dies, its uncommitted rows are simply unlocked and still queued, so nothing is lost and
 * only the messages of the batch in flight can go out twice (the "in-flight window").
 */
@Injectable()
export class CampaignSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CampaignSender');
  private readonly limiter: RateLimiter;
  private readonly compiled = new Map<string, CompiledTemplate>();
  private readonly wakers = new Set<() => void>();
  private running = false;
  private loops: Promise<void>[] = [];
  /** Concurrent claim-and-send loops per instance (overlaps one batch's commit with another's sends). */
  readonly loopCount = 2;
  readonly batchSize: number;
  /** Messages in flight at once within a batch (the SMTP pool queues beyond its connections). */
  readonly concurrency: number;
  /** First retry delay after a temporary failure; doubles each attempt. Tests shorten it. */
  retryBaseMs = 30_000;
  pollMs = 1000;

  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignService,
    private readonly templates: EmailTemplateService,
    private readonly mailer: MailerService,
    private readonly links: CampaignLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const rate = config.mail.ratePerSecond;
    this.limiter = new RateLimiter(rate);
    // About half a second of sending per batch per loop: bounds what a crash can send twice.
    this.batchSize = Math.max(5, Math.min(200, Math.ceil(rate / this.loopCount / 2)));
    this.concurrency = Math.max(1, Math.min(this.batchSize, mailer.maxConnections * 2));
  }

  /** At most this many messages can be sent twice after a crash of this instance. */
  get inFlightWindow(): number {
    return this.batchSize * this.loopCount;
  }

  onApplicationBootstrap(): void {
    if (this.config.jobsEnabled) this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.loopCount }, () => this.loop());
  }

  /** Before the database pool closes: let the batches in flight commit, then stop. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.campaigns.startDue();
        if ((await this.runBatch()) === 0) await this.sleep(this.pollMs);
      } catch (err) {
        if (!this.running) return;
        this.logger.error({ err }, 'campaign sending loop failed; retrying');
        await this.sleep(this.pollMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Sends everything due now in this process (tests, CLI); returns how many rows it handled. */
  async drain(): Promise<number> {
    await this.campaigns.startDue();
    let total = 0;
    for (let n = await this.runBatch(); n > 0; n = await this.runBatch()) total += n;
    return total;
  }

  /** Claims, sends and records one batch; 0 when nothing is due. */
  async runBatch(): Promise<number> {
    const candidates: { id: string }[] = await this.db.query(`SELECT id FROM campaigns WHERE status = 'sending' ORDER BY random()`);
    for (const { id } of candidates) {
      const n = await this.runCampaignBatch(id);
      if (n > 0) return n;
    }
    if (candidates.length) await this.campaigns.finishDone(candidates.map((c) => c.id));
    return 0;
  }

  private async runCampaignBatch(campaignId: string): Promise<number> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const rows: ClaimedSend[] = await qr.query(
        `SELECT s.id::text AS id, s.campaign_id, s.email, s.attempts, ct.name, ct.company, ct.attributes, (sp.email IS NOT NULL) AS suppressed
           FROM campaign_sends s
           JOIN contacts ct ON ct.id = s.contact_id
           LEFT JOIN suppressions sp ON sp.email = s.email
          WHERE s.campaign_id = $1 AND s.status = 'queued' AND s.next_attempt_at <= now()
            AND EXISTS (SELECT 1 FROM campaigns k WHERE k.id = s.campaign_id AND k.status = 'sending')
          ORDER BY s.id
          LIMIT $2
          FOR UPDATE OF s SKIP LOCKED`,
        [campaignId, this.batchSize],
      );
      if (rows.length === 0) {
        await qr.commitTransaction();
        return 0;
      }
      const template = await this.template(qr, campaignId);
      const outcomes = await this.sendAll(rows, template);
      await this.record(qr, campaignId, rows, outcomes);
      await qr.commitTransaction();
      if (outcomes.every((o) => o.status !== 'queued')) await this.campaigns.finishDone([campaignId]);
      return rows.length;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  private async template(qr: QueryRunner, campaignId: string): Promise<CompiledTemplate> {
    let t = this.compiled.get(campaignId);
    if (!t) {
      const [c] = await qr.query(`SELECT subject, body FROM campaigns WHERE id = $1`, [campaignId]);
      t = this.templates.compile(c.subject, c.body);
      this.compiled.set(campaignId, t);
    }
    return t;
  }

  private async sendAll(rows: ClaimedSend[], template: CompiledTemplate): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(rows.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < rows.length; i = next++) outcomes[i] = await this.sendOne(rows[i], template);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    return outcomes;
  }

  private async sendOne(row: ClaimedSend, template: CompiledTemplate): Promise<Outcome> {
    const base = { id: row.id, attempts: row.attempts, nextAt: null, sentAt: null, messageId: null, error: null };
    if (row.suppressed) return { ...base, status: 'skipped', error: 'suppressed after listing' };
    const attempts = row.attempts + 1;
    try {
      const links = this.links.forSend(row.id, row.email);
      const message = this.templates.render(template, { email: row.email, name: row.name, company: row.company, attributes: row.attributes }, links);
      await this.limiter.take();
      const sent = await this.mailer.send({ to: row.email, subject: message.subject, html: message.html, text: message.text, headers: this.links.headers(row.id, links), kind: 'campaign', related: { campaignId: row.campaign_id, sendId: row.id } });
      // The SMTP acceptance time. It is committed with the batch; until then the send is in flight and
      // the tracking recorder counts a click on it as too soon after delivery (see RECORD_BATCH).
      return { ...base, status: 'sent', attempts, sentAt: new Date(), messageId: sent.messageId };
    } catch (err) {
      const failure = err instanceof MailSendError ? err : new MailSendError((err as Error).message, 'permanent');
      if (failure.kind === 'permanent') {
        // A 5xx is a hard bounce; anything else permanent (a render error) gives up without blaming the address.
        const status = failure.responseCode ? 'bounced' : 'failed';
        return { ...base, status, attempts, sentAt: status === 'bounced' ? new Date() : null, error: failure.message };
      }
      if (attempts >= MAX_ATTEMPTS) return { ...base, status: 'failed', attempts, error: failure.message };
      const delay = backoffDelayMs(attempts, { baseMs: this.retryBaseMs, maxMs: 3_600_000 });
      return { ...base, status: 'queued', attempts, nextAt: new Date(Date.now() + delay), error: failure.message };
    }
  }

  /** Outcomes, hard-bounce suppressions and counters, in the batch's transaction. */
  private async record(qr: QueryRunner, campaignId: string, rows: ClaimedSend[], outcomes: Outcome[]): Promise<void> {
    await qr.query(
      `UPDATE campaign_sends s
          SET status = u.status, attempts = u.attempts, next_attempt_at = COALESCE(u.next_at, s.next_attempt_at), sent_at = u.sent_at,
              message_id = u.message_id, last_error = u.error, bounced_at = CASE WHEN u.status = 'bounced' THEN now() ELSE s.bounced_at END
         FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
              AS u(id, status, attempts, next_at, sent_at, message_id, error)
        WHERE s.id = u.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.attempts),
        outcomes.map((o) => o.nextAt),
        outcomes.map((o) => o.sentAt),
        outcomes.map((o) => o.messageId),
        outcomes.map((o) => o.error),
      ],
    );
    const bounced = outcomes.map((o, i) => ({ o, row: rows[i] })).filter((x) => x.o.status === 'bounced');
    if (bounced.length) {
      await qr.query(
        `INSERT INTO suppressions (email, reason, campaign_id, detail) SELECT e, 'hard_bounce', $2, d FROM unnest($1::text[], $3::text[]) AS u(e, d) ON CONFLICT (email) DO NOTHING`,
        [bounced.map((x) => x.row.email), campaignId, bounced.map((x) => x.o.error?.slice(0, 500) ?? null)],
      );
    }
    const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
    const deltas: CounterDeltas = { sent: count('sent') + count('bounced'), bounced: count('bounced'), failed: count('failed'), skipped: count('skipped') };
    await bumpCounters(qr.manager, campaignId, deltas);
  }
}
