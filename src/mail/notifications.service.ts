import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EmailTemplateService } from '../email-templates/email-template.service';
import { DomainEvents } from '../events/domain-events';
import { JobsService } from '../jobs/jobs.service';
import { formatMoney } from '../money/money-format';
import { Locale } from '../web/messages';
import { classifySmtpError, MailerService, MailSendError } from './mailer.service';

/** Kinds of notification a person may turn off (each has a template and catalog strings). */
export const NOTIFICATION_KINDS = ['referrer.supplier_signed_up', 'referrer.commission_available'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const MAX_ATTEMPTS = 5;

interface PendingRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  payload: Record<string, any>;
  attempts: number;
  email: string;
}

/** A signed "stop this kind" link: user and kind, HMAC with the tracking secret (its own purpose prefix). */
export function signKindUnsubscribe(secret: string, userId: string, kind: string): string {
  const payload = Buffer.from(`${userId}|${kind}`, 'utf8').toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(`notify-unsub.${payload}`).digest().subarray(0, 16).toString('base64url')}`;
}

export function verifyKindUnsubscribe(secret: string, token: unknown): { userId: string; kind: NotificationKind } | undefined {
  if (typeof token !== 'string' || token.length > 512) return undefined;
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return undefined;
  const expected = createHmac('sha256', secret).update(`notify-unsub.${payload}`).digest().subarray(0, 16);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || given.toString('base64url') !== mac || !timingSafeEqual(given, expected)) return undefined;
  const [userId, kind] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (!/^[0-9a-f-]{36}$/i.test(userId ?? '') || !NOTIFICATION_KINDS.includes(kind as NotificationKind)) return undefined;
  return { userId, kind: kind as NotificationKind };
}

/**
 * Email notifications. A fact (e.g. a supplier signed up with a referrer's code) queues a row in
 * the fact's own transaction; deliverDue() sends the queued rows after commit through the mailer
 * (so to the outbox without SMTP), skipping kinds the person turned off. A queue job runs it every
 * minute; a failure is retried up to five times.
 */
@Injectable()
export class NotificationService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly db: DataSource,
    private readonly events: DomainEvents,
    private readonly jobs: JobsService,
    private readonly mailer: MailerService,
    private readonly templates: EmailTemplateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.on('supplier.attributed', (m, e) => this.queue(m, 'referrer.supplier_signed_up', e.referrerId, { supplierId: e.supplierId }));
    this.jobs.register({ name: 'notifications.deliver', cron: '* * * * *', retryLimit: 1, handler: async () => void (await this.deliverDue()) });
  }

  /** Queues a notification for a referrer, in the caller's transaction; never fails the fact itself. */
  private async queue(m: EntityManager, kind: NotificationKind, referrerId: string, payload: Record<string, string>): Promise<void> {
    await m.query('SAVEPOINT notification_queue');
    try {
      await m.query(`INSERT INTO notifications (user_id, kind, payload) SELECT r.user_id, $2, $3 FROM referrers r WHERE r.id = $1`, [referrerId, kind, JSON.stringify({ ...payload, referrerId })]);
      await m.query('RELEASE SAVEPOINT notification_queue');
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT notification_queue');
      this.logger.error({ err, kind }, 'notification not queued; the fact itself goes on');
    }
  }

  async setEnabled(userId: string, kind: NotificationKind, enabled: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, kind, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, kind) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [userId, kind, enabled],
    );
  }

  unsubscribeLink(userId: string, kind: NotificationKind): string {
    return `${this.config.publicBaseUrl}/notifications/unsubscribe/${signKindUnsubscribe(this.config.trackingSecret, userId, kind)}`;
  }

  /**
   * Queues "commission became available" for commissions released in the last two days that have
   * none yet (one per commission, deduplicated by key), so the release job itself is untouched.
   */
  async queueReleasedCommissions(): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO notifications (user_id, kind, payload, dedupe_key)
       SELECT r.user_id, 'referrer.commission_available',
              jsonb_build_object('referrerId', r.id, 'commissionId', c.id, 'supplierId', c.supplier_id, 'amount', c.posted_available::text, 'currency', btrim(c.currency)),
              'commission-available:' || c.id
         FROM commissions c JOIN referrers r ON r.id = c.referrer_id
        WHERE c.released_at > now() - interval '2 days' AND c.posted_available > 0 AND c.currency IS NOT NULL
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
    );
    return rows.length;
  }

  /** Sends what is queued; returns how many rows were handled. Safe to run on several instances at once. */
  async deliverDue(limit = 50): Promise<number> {
    await this.queueReleasedCommissions();
    let handled = 0;
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const rows: PendingRow[] = await m.query(
          `SELECT n.id::text AS id, n.user_id, n.kind, n.payload, n.attempts, u.email
             FROM notifications n JOIN users u ON u.id = n.user_id
            WHERE n.status = 'pending' ORDER BY n.id LIMIT $1 FOR UPDATE OF n SKIP LOCKED`,
          [limit],
        );
        for (const row of rows) await this.deliverOne(m, row);
        return rows.length;
      });
      handled += n;
      if (n < limit) return handled;
    }
  }

  private async deliverOne(m: EntityManager, row: PendingRow): Promise<void> {
    const [pref] = await m.query(`SELECT enabled FROM notification_preferences WHERE user_id = $1 AND kind = $2`, [row.user_id, row.kind]);
    if (pref && pref.enabled === false) {
      await m.query(`UPDATE notifications SET status = 'skipped', last_error = 'turned off by the recipient' WHERE id = $1`, [row.id]);
      return;
    }
    try {
      const message = await this.render(m, row);
      const unsubscribe = this.unsubscribeLink(row.user_id, row.kind);
      const sent = await this.mailer.send({
        to: row.email,
        ...message,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        kind: 'notification',
        related: { notificationId: row.id, notificationKind: row.kind, ...row.payload },
      });
      await m.query(`UPDATE notifications SET status = 'sent', attempts = attempts + 1, delivery = $2, sent_at = now(), last_error = NULL WHERE id = $1`, [row.id, sent.delivery]);
    } catch (err) {
      const failure = err instanceof MailSendError ? err : classifySmtpError(err);
      const final = failure.kind === 'permanent' || row.attempts + 1 >= MAX_ATTEMPTS;
      await m.query(`UPDATE notifications SET status = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1`, [row.id, final ? 'failed' : 'pending', failure.message.slice(0, 500)]);
    }
  }

  private async render(m: EntityManager, row: PendingRow) {
    // No stored language per person yet: English until users carry a locale.
    const locale: Locale = 'en';
    switch (row.kind) {
      case 'referrer.supplier_signed_up': {
        const [r] = await m.query(
          `SELECT r.full_name, s.company_name FROM referrers r, suppliers s WHERE r.id = $1 AND s.id = $2`,
          [row.payload.referrerId, row.payload.supplierId],
        );
        return this.templates.renderTransactional({
          template: 'referrer-supplier-signed-up',
          subjectKey: 'mail.notify.supplierSignedUp.subject',
          locale,
          vars: { name: r?.full_name ?? '', company: r?.company_name ?? '', link: `${this.config.publicBaseUrl}/cabinet/earnings` },
          unsubscribeLink: this.unsubscribeLink(row.user_id, row.kind),
        });
      }
      case 'referrer.commission_available': {
        const [r] = await m.query(
          `SELECT r.full_name, s.company_name FROM referrers r LEFT JOIN suppliers s ON s.id = $2 WHERE r.id = $1`,
          [row.payload.referrerId, row.payload.supplierId ?? null],
        );
        return this.templates.renderTransactional({
          template: 'referrer-commission-available',
          subjectKey: 'mail.notify.commissionAvailable.subject',
          locale,
          vars: { name: r?.full_name ?? '', company: r?.company_name ?? '', amount: formatMoney(locale, BigInt(row.payload.amount), row.payload.currency), link: `${this.config.publicBaseUrl}/cabinet/earnings` },
          unsubscribeLink: this.unsubscribeLink(row.user_id, row.kind),
        });
      }
    }
  }
}
