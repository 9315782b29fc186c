import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EmailTemplateService, RecipientVars, SAMPLE_RECIPIENT } from '../email-templates/email-template.service';
import { createCounters, readCounters } from '../funnel/funnel-counters';
import { MailerService, MailSendError } from '../mail/mailer.service';
import { OutboxRepository } from '../mail/outbox.repository';
import { CampaignLinks } from './campaign-links';
import { CampaignStatus, CampaignView, CreateCampaignDto, PreviewView, TestSendView, UpdateCampaignDto } from './campaign.dto';
import { CampaignErrorCode, CampaignException } from './campaign.exception';
import { returnedRows } from '../common/sql-rows';

type Action = 'schedule' | 'pause' | 'resume' | 'cancel' | 'edit';

/** Which states each action may start from. */
const ALLOWED_FROM: Record<Action, CampaignStatus[]> = {
  edit: ['draft'],
  schedule: ['draft'],
  pause: ['sending'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'sending', 'paused'],
};

/**
 * A campaign's life: draft → scheduled → sending → paused/resumed → sent, or cancelled. Starting
 * lists the recipients once (one send row per contact, suppressed addresses left out); the
 * CampaignSender works the rows.
 */
@Injectable()
export class CampaignService {
  constructor(
    private readonly db: DataSource,
    private readonly templates: EmailTemplateService,
    private readonly mailer: MailerService,
    private readonly links: CampaignLinks,
    private readonly outbox: OutboxRepository,
  ) {}

  async create(dto: CreateCampaignDto, userId?: string): Promise<CampaignView> {
    this.templates.compile(dto.subject, dto.body);
    const id = await this.db.transaction(async (m) => {
      await this.assertAudience(m, dto.audienceId);
      const rows = await m.query(`INSERT INTO campaigns (name, audience_id, subject, body, status, created_by) VALUES ($1, $2, $3, $4, 'draft', $5) RETURNING id`, [
        dto.name.trim(),
        dto.audienceId,
        dto.subject,
        dto.body,
        userId ?? null,
      ]);
      await createCounters(m, rows[0].id);
      return rows[0].id as string;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    await this.db.transaction(async (m) => {
      const c = await this.lockedInState(m, id, 'edit');
      const subject = dto.subject ?? c.subject;
      const body = dto.body ?? c.body;
      this.templates.compile(subject, body);
      if (dto.audienceId) await this.assertAudience(m, dto.audienceId);
      await m.query(`UPDATE campaigns SET name = $2, audience_id = $3, subject = $4, body = $5, updated_at = now() WHERE id = $1`, [
        id,
        dto.name?.trim() ?? c.name,
        dto.audienceId ?? c.audience_id,
        subject,
        body,
      ]);
    });
    return this.get(id);
  }

  async get(id: string, m: EntityManager = this.db.manager): Promise<CampaignView> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw this.notFound(id);
    const rows = await m.query(`SELECT c.*, a.name AS audience_name FROM campaigns c JOIN audiences a ON a.id = c.audience_id WHERE c.id = $1`, [id]);
    if (!rows[0]) throw this.notFound(id);
    return this.view(rows[0], await readCounters(m, id), await this.outboxed(id));
  }

  /** Messages of the campaign kept in the outbox (none are kept while SMTP is configured). */
  private outboxed(id: string): Promise<number> {
    return this.outbox.countForCampaign(id);
  }

  async list(limit = 100, offset = 0): Promise<CampaignView[]> {
    const rows = await this.db.query(
      `SELECT c.*, a.name AS audience_name FROM campaigns c JOIN audiences a ON a.id = c.audience_id ORDER BY c.created_at DESC, c.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return Promise.all(rows.map(async (r: Record<string, any>) => this.view(r, await readCounters(this.db.manager, r.id), await this.outboxed(r.id))));
  }

  private view(r: Record<string, any>, k: Awaited<ReturnType<typeof readCounters>>, outboxed: number): CampaignView {
    const listed = Number(r.listed);
    const done = k.sent + k.failed + k.skipped;
    return {
      id: r.id,
      name: r.name,
      audienceId: r.audience_id,
      audienceName: r.audience_name,
      subject: r.subject,
      body: r.body,
      status: r.status,
      scheduledAt: r.scheduled_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      note: r.note,
      createdAt: r.created_at,
      delivery: this.mailer.delivery,
      outboxed,
      progress: {
        listed,
        sent: k.sent,
        bounced: k.bounced,
        failed: k.failed,
        skipped: k.skipped,
        remaining: Math.max(0, listed - done),
        doneBp: listed === 0 ? 0 : Math.floor((done * 10000) / listed),
        delivered: k.sent - k.bounced,
        opened: k.opened_human,
        registered: k.registered,
      },
    };
  }

  /** A sample message: the given recipient, else the audience's first contact, else a made-up one. */
  async preview(id: string, sample?: Partial<RecipientVars>): Promise<PreviewView> {
    const c = await this.get(id);
    const first: Record<string, any>[] = await this.db.query(`SELECT email, name, company, attributes FROM contacts WHERE audience_id = $1 ORDER BY created_at, source_line NULLS LAST, id LIMIT 1`, [c.audienceId]);
    const recipient: RecipientVars = { ...SAMPLE_RECIPIENT, ...(first[0] ?? {}), ...(sample ?? {}) } as RecipientVars;
    const compiled = this.templates.compile(c.subject, c.body);
    return this.templates.render(compiled, recipient, this.links.forSend('0', recipient.email));
  }

  async testSend(id: string, to: string): Promise<TestSendView> {
    const message = await this.preview(id, { email: to });
    const links = this.links.forSend('0', to);
    try {
      const sent = await this.mailer.send({
        to,
        subject: `[TEST] ${message.subject}`,
        html: message.html,
        text: message.text,
        headers: this.links.headers('0', links),
        kind: 'test',
        related: { campaignTestOf: id },
      });
      return { to, messageId: sent.messageId, delivery: sent.delivery };
    } catch (err) {
      if (!(err instanceof MailSendError)) throw err;
      throw new CampaignException(CampaignErrorCode.CAMPAIGN_TEST_SEND_FAILED, `The SMTP server refused the test message: ${err.message}`, { responseCode: err.responseCode });
    }
  }

  /** Sends now (no time given), or at `at`, which must be in the future. Refuses an audience with nobody to mail. */
  async schedule(id: string, at?: string): Promise<CampaignView> {
    const when = at ? new Date(at) : undefined;
    if (when && Number.isNaN(when.getTime())) throw new CampaignException(CampaignErrorCode.CAMPAIGN_SCHEDULE_INVALID, `"${at}" is not a date`);
    if (when && when.getTime() <= Date.now()) {
      throw new CampaignException(CampaignErrorCode.SCHEDULE_IN_PAST, `The time to send (${when.toISOString()}) is in the past; choose a later time or send now`, {
        field: 'at',
        at: when.toISOString(),
        now: new Date().toISOString(),
      });
    }
    await this.db.transaction(async (m) => {
      const c = await this.lockedInState(m, id, 'schedule');
      if (when) {
        const n = await this.mailableCount(m, c.audience_id);
        if (n === 0) throw this.noRecipients(id);
        await m.query(`UPDATE campaigns SET status = 'scheduled', scheduled_at = $2, updated_at = now() WHERE id = $1`, [id, when]);
      } else {
        await this.start(m, id, c.audience_id);
      }
    });
    return this.get(id);
  }

  /** Lists the recipients and switches to sending, in the caller's transaction. */
  private async start(m: EntityManager, id: string, audienceId: string): Promise<void> {
    const rows = await m.query(
      `WITH ins AS (
         INSERT INTO campaign_sends (campaign_id, contact_id, email)
         SELECT $1, c.id, c.email FROM contacts c
          WHERE c.audience_id = $2 AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.email = c.email)
          ORDER BY c.created_at, c.id
         ON CONFLICT (campaign_id, contact_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [id, audienceId],
    );
    const listed = Number(rows[0].n);
    if (listed === 0) throw this.noRecipients(id);
    // The audience's suppressed addresses this campaign leaves out, by reason (the funnel shows them).
    const leftOut: { reason: string; n: number }[] = await m.query(
      `SELECT s.reason, count(*)::int AS n FROM contacts c JOIN suppressions s ON s.email = c.email WHERE c.audience_id = $1 GROUP BY s.reason`,
      [audienceId],
    );
    await m.query(`UPDATE campaigns SET status = 'sending', listed = $2, left_out = $3, started_at = now(), updated_at = now() WHERE id = $1`, [
      id,
      listed,
      JSON.stringify(Object.fromEntries(leftOut.map((r) => [r.reason, r.n]))),
    ]);
  }

  /** Starts scheduled campaigns whose time has come; several instances may call it at once. */
  async startDue(): Promise<number> {
    let started = 0;
    for (;;) {
      const more = await this.db.transaction(async (m) => {
        const due = await m.query(`SELECT id, audience_id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= now() ORDER BY scheduled_at LIMIT 1 FOR UPDATE SKIP LOCKED`);
        if (!due[0]) return false;
        await m.query('SAVEPOINT start_campaign');
        try {
          await this.start(m, due[0].id, due[0].audience_id);
          started++;
        } catch (err) {
          if (!(err instanceof CampaignException)) throw err;
          await m.query('ROLLBACK TO SAVEPOINT start_campaign');
          await m.query(`UPDATE campaigns SET status = 'cancelled', note = $2, updated_at = now() WHERE id = $1`, [due[0].id, err.message]);
        }
        return true;
      });
      if (!more) return started;
    }
  }

  /** Marks sending campaigns with nothing left queued as sent. */
  async finishDone(campaignIds?: string[]): Promise<void> {
    await this.db.query(
      `UPDATE campaigns c SET status = 'sent', finished_at = now(), updated_at = now()
        WHERE c.status = 'sending' AND ($1::uuid[] IS NULL OR c.id = ANY($1::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM campaign_sends s WHERE s.campaign_id = c.id AND s.status = 'queued')`,
      [campaignIds ?? null],
    );
  }

  pause(id: string): Promise<CampaignView> {
    return this.transition(id, 'pause', 'paused');
  }

  resume(id: string): Promise<CampaignView> {
    return this.transition(id, 'resume', 'sending');
  }

  cancel(id: string): Promise<CampaignView> {
    return this.transition(id, 'cancel', 'cancelled');
  }

  private async transition(id: string, action: Action, to: CampaignStatus): Promise<CampaignView> {
    await this.db.transaction(async (m) => {
      await this.lockedInState(m, id, action);
      await m.query(`UPDATE campaigns SET status = $2, updated_at = now() WHERE id = $1`, [id, to]);
    });
    return this.get(id);
  }

  private async lockedInState(m: EntityManager, id: string, action: Action): Promise<Record<string, any>> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw this.notFound(id);
    const rows = returnedRows(await m.query(`SELECT * FROM campaigns WHERE id = $1 FOR UPDATE`, [id]));
    const c = rows[0];
    if (!c) throw this.notFound(id);
    if (!ALLOWED_FROM[action].includes(c.status)) {
      throw new CampaignException(CampaignErrorCode.CAMPAIGN_STATE_CONFLICT, `Cannot ${action} a campaign that is ${c.status}`, {
        status: c.status,
        action,
        allowedFrom: ALLOWED_FROM[action],
      });
    }
    return c;
  }

  private async mailableCount(m: EntityManager, audienceId: string): Promise<number> {
    const rows = await m.query(
      `SELECT count(*)::int AS n FROM contacts c WHERE c.audience_id = $1 AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.email = c.email)`,
      [audienceId],
    );
    return Number(rows[0].n);
  }

  private async assertAudience(m: EntityManager, audienceId: string): Promise<void> {
    const rows = await m.query(`SELECT 1 FROM audiences WHERE id = $1`, [audienceId]);
    if (!rows[0]) throw new CampaignException(CampaignErrorCode.CAMPAIGN_AUDIENCE_NOT_FOUND, `No audience ${audienceId}`, { field: 'audienceId' });
  }

  private notFound(id: string): CampaignException {
    return new CampaignException(CampaignErrorCode.CAMPAIGN_NOT_FOUND, `No campaign ${id}`);
  }

  private noRecipients(id: string): CampaignException {
    return new CampaignException(CampaignErrorCode.CAMPAIGN_NO_RECIPIENTS, 'The audience has no one to mail (empty, or every address is suppressed); nothing was sent', { campaignId: id });
  }
}
