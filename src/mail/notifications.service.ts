import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../access/role';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EmailTemplateService, RenderedMessage } from '../email-templates/email-template.service';
import { DomainEvents } from '../events/domain-events';
import { JobsService } from '../jobs/jobs.service';
import { LedgerReadRepository } from '../ledger/ledger-read.repository';
import { AccountKind, PostingCause } from '../ledger/ledger.types';
import { formatDate, formatMoney } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { Locale, LOCALES, translate } from '../i18n/messages';
import { signEmailVerification } from '../common/crypto/email-verification-link';
import { classifySmtpError, MailDelivery, MailerService, MailSendError } from './mailer.service';
import { isNotificationKind, kindsOfRole, NotificationKind, Recipient, specOf } from './notification-kinds';
import './notifications.messages';

export { NOTIFICATION_KINDS } from './notification-kinds';
export type { NotificationKind } from './notification-kinds';

const MAX_ATTEMPTS = 5;

interface PendingRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  payload: Record<string, any>;
  attempts: number;
  email: string;
  locale: Locale | null;
}

/** What a kind's mail says: catalog parameters of its subject and body, and the page it links to. */
interface Content {
  name: string;
  params: Record<string, string | number>;
  /** Path of the page the button opens. */
  path: string;
  /** Extra catalog key of a second paragraph, when the body depends on the fact (e.g. won or lost). */
  variant?: string;
}

/** One person's notification settings. */
export interface NotificationSettings {
  locale: Locale;
  kinds: { kind: NotificationKind; enabled: boolean; required: boolean }[];
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
  if (!/^[0-9a-f-]{36}$/i.test(userId ?? '') || !isNotificationKind(kind) || specOf(kind).required) return undefined;
  return { userId, kind };
}

/**
 * Email notifications: the one place that decides who gets which notification and whether they
 * turned it off. A fact queues a row with notify() in the fact's own transaction (a rolled-back
 * fact mails nobody); deliverDue() sends the queued rows after commit through the mailer (the
 * outbox without SMTP), in each recipient's language, skipping kinds the person turned off. A queue
 * job runs it every minute (and callers may ask for it sooner); a failure is retried up to 5 times.
 * Facts found by scanning committed data (commission released, balance negative after a refund, an
 * offer about to lapse) are queued by the same job, deduplicated by key.
 */
@Injectable()
export class NotificationService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');
  private delivering?: Promise<number>;
  private again = false;

  constructor(
    private readonly db: DataSource,
    private readonly events: DomainEvents,
    private readonly jobs: JobsService,
    private readonly mailer: MailerService,
    private readonly templates: EmailTemplateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly program: ProgramService,
    private readonly ledger: LedgerReadRepository,
  ) {}

  onModuleInit(): void {
    this.events.on('supplier.attributed', async (m, e) => void await this.notify(m, 'referrer.supplier_signed_up', { referrerId: e.referrerId }, { supplierId: e.supplierId, referrerId: e.referrerId }));
    // Set-based: a group of paid invoices announces its first payments as one run (one statement, not three per supplier).
    this.events.onMany('supplier.converted', async (m, list) =>
      void await this.notifyMany(
        m,
        'referrer.supplier_converted',
        'referrer',
        list.map((e) => ({ id: e.referrerId, payload: { supplierId: e.supplierId, referrerId: e.referrerId }, dedupeKey: `supplier-converted:${e.supplierId}` })),
      ),
    );
    this.jobs.register({ name: 'notifications.deliver', cron: '* * * * *', retryLimit: 1, handler: async () => void (await this.deliverDue()) });
  }

  /**
   * Queues a notification in the caller's transaction (pass the fact's EntityManager); the one call
   * a feature makes. Never fails the fact itself. Returns how many people it was queued for.
   */
  async notify(m: EntityManager, kind: NotificationKind, to: Recipient, payload: Record<string, string | number | null>, opts: { dedupeKey?: string } = {}): Promise<number> {
    const spec = specOf(kind);
    const [who, params] = recipientSql(to);
    // A kind sent to several people gets one dedupe key each (the key names the fact, plus the person).
    const sql = `INSERT INTO notifications (user_id, kind, payload, dedupe_key)
      SELECT u.id, $1, $2::jsonb, CASE WHEN $3::text IS NULL THEN NULL ELSE $3 || ':' || u.id END
        FROM users u WHERE u.disabled_at IS NULL AND ${who}
         ${spec.throttleMinutes ? `AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = u.id AND x.kind = $1 AND x.created_at > now() - make_interval(mins => ${Number(spec.throttleMinutes)}))` : ''}
      ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
    return this.queue(m, kind, async () => {
      if (spec.throttleMinutes) await m.query(`SELECT pg_advisory_xact_lock(hashtext('notification-throttle'), hashtext($1))`, [kind]);
      return (await m.query(sql, [kind, JSON.stringify(payload), opts.dedupeKey ?? null, ...params])).length;
    });
  }

  /**
   * Runs an insert into the queue behind a savepoint when inside the fact's transaction: a mail
   * problem is logged and never fails the fact. Returns the rows queued (0 on failure).
   */
  private async queue(m: EntityManager, kind: NotificationKind, insert: () => Promise<number>): Promise<number> {
    const inTransaction = m.queryRunner?.isTransactionActive === true;
    if (inTransaction) await m.query('SAVEPOINT notification_queue');
    try {
      const n = await insert();
      if (inTransaction) await m.query('RELEASE SAVEPOINT notification_queue');
      return n;
    } catch (err) {
      if (inTransaction) await m.query('ROLLBACK TO SAVEPOINT notification_queue');
      this.logger.error({ err, kind }, 'notification not queued; the fact itself goes on');
      return 0;
    }
  }

  /**
   * The same as notify() for many referrers or exchange members at once (a group of webhook events
   * converts up to 200 suppliers, a routing batch offers up to 1,000 leads): one statement instead
   * of three per recipient, in the order given. Kinds with a throttle go one by one.
   */
  async notifyMany(m: EntityManager, kind: NotificationKind, owner: 'referrer' | 'member', rows: { id: string; payload: Record<string, string | number | null>; dedupeKey?: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    if (specOf(kind).throttleMinutes) {
      let n = 0;
      for (const r of rows) n += await this.notify(m, kind, owner === 'referrer' ? { referrerId: r.id } : { memberId: r.id }, r.payload, { dedupeKey: r.dedupeKey });
      return n;
    }
    const owners = owner === 'referrer' ? 'referrers' : 'exchange_members';
    return this.queue(m, kind, async () => {
      const inserted = await m.query(
        `INSERT INTO notifications (user_id, kind, payload, dedupe_key)
         SELECT u.id, $1, x.payload::jsonb, CASE WHEN x.dedupe_key IS NULL THEN NULL ELSE x.dedupe_key || ':' || u.id END
           FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS x(owner_id, payload, dedupe_key, ord)
           JOIN ${owners} o ON o.id = x.owner_id AND o.id = ANY($2::uuid[]) JOIN users u ON u.id = o.user_id
          WHERE u.disabled_at IS NULL
          ORDER BY x.ord
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [kind, rows.map((r) => r.id), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.dedupeKey ?? null)],
      );
      return inserted.length;
    });
  }

  /** notifyMany for exchange members without dedupe keys (the routing batch's offers). */
  notifyMembers(m: EntityManager, kind: NotificationKind, rows: { memberId: string; payload: Record<string, string | number | null> }[]): Promise<number> {
    return this.notifyMany(m, kind, 'member', rows.map((r) => ({ id: r.memberId, payload: r.payload })));
  }

  /** Delivers what is queued soon, without waiting (after a commit whose mail should not wait a minute). */
  deliverSoon(): void {
    if (this.delivering) {
      this.again = true;
      return;
    }
    this.delivering = this.deliverDue()
      .catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'notification delivery failed; the job retries');
        return 0;
      })
      .finally(() => {
        this.delivering = undefined;
        if (this.again) {
          this.again = false;
          this.deliverSoon();
        }
      });
  }

  /** Waits for a delivery started by deliverSoon (tests). */
  async whenIdle(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  // ---- settings ------------------------------------------------------------------------------

  async setEnabled(userId: string, kind: NotificationKind, enabled: boolean): Promise<void> {
    if (specOf(kind).required) return;
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, kind, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, kind) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [userId, kind, enabled],
    );
  }

  /** The kinds a person's role receives, each with whether it is on, and their email language. */
  async settingsOf(userId: string, role: Role): Promise<NotificationSettings> {
    const [user] = await this.db.query(`SELECT locale FROM users WHERE id = $1`, [userId]);
    const prefs: { kind: string; enabled: boolean }[] = await this.db.query(`SELECT kind, enabled FROM notification_preferences WHERE user_id = $1`, [userId]);
    const off = new Set(prefs.filter((p) => !p.enabled).map((p) => p.kind));
    return {
      locale: (user?.locale as Locale) ?? 'en',
      kinds: kindsOfRole(role).map((kind) => ({ kind, required: specOf(kind).required === true, enabled: specOf(kind).required === true || !off.has(kind) })),
    };
  }

  /** Changes a person's email language and/or which kinds they get (kinds of other roles and required kinds are ignored). */
  async updateSettings(userId: string, role: Role, change: { locale?: Locale; kinds?: Partial<Record<string, boolean>> }): Promise<NotificationSettings> {
    if (change.locale && LOCALES.includes(change.locale)) await this.setLocale(userId, change.locale);
    for (const kind of kindsOfRole(role)) {
      const enabled = change.kinds?.[kind];
      if (typeof enabled === 'boolean') await this.setEnabled(userId, kind, enabled);
    }
    return this.settingsOf(userId, role);
  }

  async setLocale(userId: string, locale: Locale): Promise<void> {
    await this.db.query(`UPDATE users SET locale = $2 WHERE id = $1`, [userId, locale]);
  }

  /** A person's email language (English until known). */
  async localeOf(userId: string): Promise<Locale> {
    const [u] = await this.db.query(`SELECT locale FROM users WHERE id = $1`, [userId]);
    return (u?.locale as Locale) ?? 'en';
  }

  unsubscribeLink(userId: string, kind: NotificationKind): string {
    return `${this.config.publicBaseUrl}/notifications/unsubscribe/${signKindUnsubscribe(this.config.trackingSecret, userId, kind)}`;
  }

  get settingsLink(): string {
    return `${this.config.publicBaseUrl}/account/notifications`;
  }

  // ---- facts found by scanning committed data ---------------------------------------------------

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

  /**
   * Queues "your balance went negative" for refund clawbacks of the last two days that took a
   * referrer's available balance from zero or more to below zero (one per posting).
   */
  async queueNegativeBalances(): Promise<number> {
    const crossings = await this.ledger.crossingsBelowZero(AccountKind.ReferrerAvailable, PostingCause.Refund, '2 days');
    if (crossings.length === 0) return 0;
    const commissionId = (c: { metadata: Record<string, unknown> }) => (typeof c.metadata.commissionId === 'string' || typeof c.metadata.commissionId === 'number' ? String(c.metadata.commissionId) : null);
    const rows = await this.db.query(
      `INSERT INTO notifications (user_id, kind, payload, dedupe_key)
       SELECT r.user_id, 'referrer.balance_negative',
              jsonb_build_object('referrerId', r.id, 'postingId', x.posting_id, 'supplierId', c.supplier_id, 'clawback', (-x.amount)::text,
                                 'balance', x.balance_after::text, 'currency', x.currency),
              'balance-negative:' || x.posting_id
         FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::bigint[], $5::text[], $6::text[]) AS x(posting_id, owner_id, amount, balance_after, currency, commission_id)
         JOIN referrers r ON r.id = x.owner_id
         LEFT JOIN commissions c ON c.id::text = x.commission_id
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        crossings.map((c) => c.postingId),
        crossings.map((c) => c.ownerId),
        crossings.map((c) => c.amount.toString()),
        crossings.map((c) => c.balanceAfter.toString()),
        crossings.map((c) => c.currency),
        crossings.map(commissionId),
      ],
    );
    return rows.length;
  }

  /** Queues a reminder for offers still unanswered when less than half of their time is left. */
  async queueOfferReminders(): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO notifications (user_id, kind, payload, dedupe_key)
       SELECT mb.user_id, 'partner.lead_reminder',
              jsonb_build_object('memberId', mb.id, 'leadId', a.lead_id, 'assignmentId', a.id::text, 'expiresAt', a.expires_at),
              'lead-reminder:' || a.id
         FROM exchange_assignments a JOIN exchange_members mb ON mb.id = a.member_id
        WHERE a.state = 'offered' AND a.expires_at > now() AND a.expires_at - now() <= (a.expires_at - a.offered_at) / 2
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
    );
    return rows.length;
  }

  // ---- delivery -------------------------------------------------------------------------------

  /** Sends what is queued; returns how many rows were handled. Safe to run on several instances at once. */
  async deliverDue(limit = 50): Promise<number> {
    await this.queueReleasedCommissions();
    await this.queueNegativeBalances();
    await this.queueOfferReminders();
    let handled = 0;
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const rows: PendingRow[] = await m.query(
          `SELECT n.id::text AS id, n.user_id, n.kind, n.payload, n.attempts, u.email, u.locale
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
    const skip = (why: string) => m.query(`UPDATE notifications SET status = 'skipped', last_error = $2 WHERE id = $1`, [row.id, why]);
    if (!isNotificationKind(row.kind)) return void (await skip('unknown kind'));
    const spec = specOf(row.kind);
    if (!spec.required) {
      const [pref] = await m.query(`SELECT enabled FROM notification_preferences WHERE user_id = $1 AND kind = $2`, [row.user_id, row.kind]);
      if (pref && pref.enabled === false) return void (await skip('turned off by the recipient'));
    }
    try {
      const locale: Locale = row.locale ?? 'en';
      const content = await this.content(m, row, locale);
      if (!content) return void (await skip('no longer relevant'));
      const unsubscribe = spec.required ? undefined : this.unsubscribeLink(row.user_id, row.kind);
      const message = this.render(row.kind, locale, content, unsubscribe);
      const sent = await this.mailer.send({
        to: row.email,
        ...message,
        headers: {
          ...(unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
          ...(row.payload.payoutItemId ? { 'X-Handshake-Payout-Item': String(row.payload.payoutItemId) } : {}),
        },
        kind: spec.mailKind ?? 'notification',
        related: { notificationId: row.id, notificationKind: row.kind, ...stringValues(row.payload) },
      });
      await m.query(`UPDATE notifications SET status = 'sent', attempts = attempts + 1, delivery = $2, sent_at = now(), last_error = NULL WHERE id = $1`, [row.id, sent.delivery]);
    } catch (err) {
      const failure = err instanceof MailSendError ? err : classifySmtpError(err);
      const final = failure.kind === 'permanent' || row.attempts + 1 >= MAX_ATTEMPTS;
      await m.query(`UPDATE notifications SET status = $2, attempts = attempts + 1, last_error = $3 WHERE id = $1`, [row.id, final ? 'failed' : 'pending', failure.message.slice(0, 500)]);
    }
  }

  /** Where the last notification of a fact went (tests, the payout mailer). */
  async deliveryOf(dedupeKeyPrefix: string): Promise<MailDelivery | null> {
    const [r] = await this.db.query(`SELECT delivery FROM notifications WHERE dedupe_key LIKE $1 || '%' ORDER BY id DESC LIMIT 1`, [dedupeKeyPrefix]);
    return (r?.delivery as MailDelivery) ?? null;
  }

  private render(kind: NotificationKind, locale: Locale, c: Content, unsubscribeLink: string | undefined): RenderedMessage {
    const t = (key: string) => translate(locale, key, { brand: this.templates.brand, ...c.params });
    const paragraphs = [t(`mail.notify.${kind}.body`)];
    if (c.variant) paragraphs.push(t(`mail.notify.${kind}.${c.variant}`));
    return this.templates.renderTransactional({
      template: 'notification',
      subjectKey: `mail.notify.${kind}.subject`,
      locale,
      vars: { ...c.params, name: c.name, paragraphs, open: t(`mail.notify.${kind}.open`), link: `${this.config.publicBaseUrl}${c.path}` },
      unsubscribeLink,
      settingsLink: this.settingsLink,
    });
  }

  /** The words of one queued notification, looked up when it is sent; null when it no longer applies. */
  private async content(m: EntityManager, row: PendingRow, locale: Locale): Promise<Content | null> {
    const p = row.payload;
    const money = (amount: unknown, currency: unknown) => formatMoney(locale, BigInt(String(amount)), String(currency).trim());
    const zone = await this.program.timeZone(); // the program's, named after the time
    const when = (d: unknown) => `${formatDate(locale, String(d), 'dateTime', zone)} (${zone})`;
    const referrer = async () => {
      const [r] = await m.query(`SELECT r.full_name, s.company_name FROM referrers r LEFT JOIN suppliers s ON s.id = $2 WHERE r.id = $1`, [p.referrerId, p.supplierId ?? null]);
      return { name: (r?.full_name as string) ?? '', company: (r?.company_name as string) ?? '' };
    };
    const lead = async () => {
      const [l] = await m.query(
        `SELECT l.company_name, l.deal_status, l.won_value, l.currency, mb.contact_name, rc.company_name AS receiver
           FROM exchange_leads l JOIN exchange_members mb ON mb.id = $2 LEFT JOIN exchange_members rc ON rc.id = l.receiver_member_id WHERE l.id = $1`,
        [p.leadId, p.memberId],
      );
      return l;
    };
    const member = async () => {
      const [mb] = await m.query(`SELECT contact_name, company_name FROM exchange_members WHERE id = $1`, [p.memberId]);
      return { name: (mb?.contact_name as string) ?? '', company: (mb?.company_name as string) ?? '' };
    };
    const staff = async () => {
      const [u] = await m.query(`SELECT email FROM users WHERE id = $1`, [row.user_id]);
      return (u?.email as string) ?? '';
    };
    switch (row.kind) {
      case 'referrer.verify_email': {
        const [u] = await m.query(`SELECT u.email, u.email_verified_at, r.full_name FROM users u LEFT JOIN referrers r ON r.user_id = u.id WHERE u.id = $1`, [row.user_id]);
        if (!u || u.email_verified_at) return null;
        // Signed when sent (nothing secret waits in the queue), bound to the address it went to.
        const token = signEmailVerification(this.config.trackingSecret, row.user_id, u.email as string);
        return { name: (u.full_name as string) ?? '', params: {}, path: `/verify-email/${token}` };
      }
      case 'referrer.supplier_signed_up':
      case 'referrer.supplier_converted': {
        const r = await referrer();
        return { name: r.name, params: { company: r.company }, path: '/cabinet/earnings' };
      }
      case 'referrer.commission_available': {
        const r = await referrer();
        return { name: r.name, params: { company: r.company, amount: money(p.amount, p.currency) }, path: '/cabinet/earnings' };
      }
      case 'referrer.payout_sent': {
        const r = await referrer();
        return { name: r.name, params: { amount: money(p.amount, p.currency) }, path: '/cabinet/earnings', variant: p.method === 'stripe_connect' ? 'stripe' : 'bank' };
      }
      case 'referrer.payout_failed': {
        const r = await referrer();
        return { name: r.name, params: { amount: money(p.amount, p.currency) }, path: '/cabinet/payout-details' };
      }
      case 'partner.payout_sent': {
        const mb = await member();
        return { name: mb.name, params: { amount: money(p.amount, p.currency), company: mb.company }, path: '/exchange/statement', variant: p.method === 'stripe_connect' ? 'stripe' : 'bank' };
      }
      case 'partner.payout_failed': {
        const mb = await member();
        return { name: mb.name, params: { amount: money(p.amount, p.currency), company: mb.company }, path: '/exchange/payout-details' };
      }
      case 'referrer.balance_negative': {
        const r = await referrer();
        return { name: r.name, params: { company: r.company, clawback: money(p.clawback, p.currency), balance: money(p.balance, p.currency) }, path: '/cabinet/earnings' };
      }
      case 'partner.lead_offered':
      case 'partner.lead_reminder': {
        if (row.kind === 'partner.lead_reminder') {
          const [a] = await m.query(`SELECT state FROM exchange_assignments WHERE id = $1`, [p.assignmentId]);
          if (a?.state !== 'offered') return null;
        }
        const l = await lead();
        if (!l) return null;
        return { name: l.contact_name, params: { company: l.company_name, deadline: when(p.expiresAt) }, path: '/exchange' };
      }
      case 'partner.lead_outcome': {
        const l = await lead();
        if (!l || (l.deal_status !== 'won' && l.deal_status !== 'lost')) return null;
        const value = l.won_value === null ? '' : money(l.won_value, l.currency);
        return { name: l.contact_name, params: { company: l.company_name, receiver: l.receiver ?? '', value }, path: '/exchange', variant: l.deal_status === 'won' && value ? 'won' : l.deal_status };
      }
      case 'finance.batch_awaits_approval': {
        const [b] = await m.query(`SELECT status, item_count, total, currency FROM payout_batches WHERE id = $1`, [p.batchId]);
        if (!b || b.status !== 'created') return null;
        return { name: await staff(), params: { count: Number(b.item_count), amount: money(b.total, b.currency) }, path: `/finance/payouts/batches/${p.batchId}` };
      }
      case 'finance.execution_failed': {
        const [b] = await m.query(`SELECT currency, (SELECT coalesce(sum(amount), 0) FROM payout_items WHERE batch_id = $1 AND status = 'failed') AS failed_total FROM payout_batches WHERE id = $1`, [p.batchId]);
        if (!b) return null;
        return { name: await staff(), params: { count: Number(p.failed), amount: money(b.failed_total, b.currency) }, path: `/finance/payouts/batches/${p.batchId}` };
      }
      case 'admin.webhook_failing': {
        const [f] = await m.query(
          `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'dead_letter')::int AS dead FROM stripe_webhook_events WHERE status IN ('failed','dead_letter')`,
        );
        return { name: await staff(), params: { type: String(p.type ?? ''), failed: Number(f?.failed ?? 0), dead: Number(f?.dead ?? 0) }, path: '/admin/stripe-events' };
      }
      case 'admin.webhook_endpoint_disabled': {
        const [e] = await m.query(`SELECT enabled FROM webhook_endpoints WHERE id = $1`, [p.endpointId]);
        if (!e || e.enabled) return null;
        return { name: await staff(), params: { url: String(p.url ?? ''), type: String(p.eventType ?? ''), attempts: Number(p.attempts ?? 0) }, path: `/admin/integrations/endpoints/${p.endpointId}` };
      }
    }
  }
}

/** SQL condition on `u` (users) for a recipient, and its parameters (from $4). */
function recipientSql(to: Recipient): [string, unknown[]] {
  if ('userId' in to) return ['u.id = $4', [to.userId]];
  if ('referrerId' in to) return ['u.id = (SELECT user_id FROM referrers WHERE id = $4)', [to.referrerId]];
  if ('memberId' in to) return ['u.id = (SELECT user_id FROM exchange_members WHERE id = $4)', [to.memberId]];
  return ['u.role = $4 AND ($5::uuid IS NULL OR u.id <> $5)', [to.role, to.except ?? null]];
}

function stringValues(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
}
