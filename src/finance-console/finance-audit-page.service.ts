import { Injectable } from '@nestjs/common';
import { Role } from '../access/role';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { daysPeriod, parseDay } from '../common/zoned-dates';
import { FinanceAuditQuery } from '../finance-audit/finance-audit.dto';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { formatCount, formatDate, formatMoney } from '../money/money-format';
import { ReferrerService } from '../referrers/referrer.service';
import { Locale, translate } from '../i18n/messages';
import { FinanceConsoleRepository } from './finance-console.repository';

export const AUDIT_PAGE = 50;
export const AUDIT_ACTIONS = Object.values(FinanceAction);

/** The filters as typed on the page (strings from the query). */
export interface AuditFilterInput {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorEmail: string;
  action: string;
  /** What the entry is about, in words, with a link where a page exists. */
  subject: { text: string; href?: string };
  /** The figures of the action, in a sentence (may be empty). */
  detail: string;
}

type Json = Record<string, unknown> | null;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** The audit log as finance reads it: filters in the program's time zone, every action and subject in words. */
@Injectable()
export class FinanceAuditPageService {
  constructor(
    private readonly audit: FinanceAuditService,
    private readonly referrers: ReferrerService,
    private readonly repo: FinanceConsoleRepository,
  ) {}

  actors(): Promise<string[]> {
    return this.audit.actors();
  }

  /** The page's filters as the API query (and the CSV's). Unknown values are refused under their field. */
  async query(input: AuditFilterInput, timeZone: string): Promise<FinanceAuditQuery> {
    const q: FinanceAuditQuery = {};
    const bad: { field: string }[] = [];
    if (input.actor) {
      if ((await this.actors()).includes(input.actor.toLowerCase())) q.actor = input.actor;
      else bad.push({ field: 'actor' });
    }
    if (input.action) {
      if ((AUDIT_ACTIONS as string[]).includes(input.action)) q.action = input.action;
      else bad.push({ field: 'action' });
    }
    const from = input.from ? parseDay(input.from) : null;
    const to = input.to ? parseDay(input.to) : null;
    if (input.from && !from) bad.push({ field: 'from' });
    if (input.to && !to) bad.push({ field: 'to' });
    if (from && to && daysPeriod(from, to, timeZone).from >= daysPeriod(from, to, timeZone).to) bad.push({ field: 'to' });
    if (bad.length) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'Check the filters', bad);
    if (from) q.from = daysPeriod(from, from, timeZone).from;
    if (to) q.to = daysPeriod(to, to, timeZone).to;
    return q;
  }

  async page(q: FinanceAuditQuery, page: number, locale: Locale, viewer: Role, timeZone: string, currency: string): Promise<{ rows: AuditRow[]; total: number; pages: number }> {
    const total = await this.audit.count(q);
    const entries = await this.audit.list({ ...q, limit: AUDIT_PAGE, offset: (page - 1) * AUDIT_PAGE });
    const referrerIds = entries.flatMap((e) => [e.subjectType === 'referrer' ? s(e.subjectId) : '', s(obj(e.details)?.referrerId)]).filter(Boolean);
    const names = await this.referrers.namesOf(referrerIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id)));
    const suppliers = await this.repo.supplierNames(entries.filter((e) => e.subjectType === 'supplier' && /^[0-9a-f-]{36}$/i.test(s(e.subjectId))).map((e) => s(e.subjectId)));
    const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
    const money = (amount: unknown, code?: unknown) => formatMoney(locale, s(amount) || '0', s(code) || currency);
    const plural = (key: string, n: unknown) => t(`${key}.${new Intl.PluralRules(locale).select(Number(n))}`, { n: formatCount(locale, Number(n)) });
    const who = (id: string) => {
      const n = names.get(id);
      return n ? `${n.fullName} · ${n.companyName}` : t('finance.audit.subject.unknownReferrer');
    };
    const rows = entries.map((e): AuditRow => {
      const d = obj(e.details) ?? {};
      const after = obj(e.after) ?? {};
      const before = obj(e.before) ?? {};
      const id = s(e.subjectId);
      const row = { id: e.id, at: e.at, actorEmail: e.actorEmail, action: e.action };
      switch (e.subjectType) {
        case 'payout_batch': {
          const total = d.total ?? after.total;
          const count = d.itemCount ?? after.itemCount;
          const detail = total !== undefined && count !== undefined ? t('finance.audit.detail.batch', { payments: plural('plural.payments', count), total: money(total, after.currency ?? d.currency) }) : '';
          return { ...row, subject: { text: t('finance.audit.subject.batch'), href: `/finance/payouts/batches/${id}` }, detail };
        }
        case 'payout_item':
          return {
            ...row,
            subject: { text: t('finance.audit.subject.item', { who: who(s(d.referrerId)) }), href: d.batchId ? `/finance/payouts/batches/${s(d.batchId)}` : undefined },
            detail: [d.amount !== undefined ? money(d.amount) : '', s(after.failureReason)].filter(Boolean).join(' · '),
          };
        case 'referrer':
          return {
            ...row,
            subject: { text: who(id) },
            detail: d.amount !== undefined ? t('finance.audit.detail.adjust', { amount: money(d.amount, d.currency), reason: s(d.reason), before: money(before.available, d.currency), after: money(after.available, d.currency) }) : '',
          };
        case 'currency':
          return { ...row, subject: { text: t('finance.audit.subject.currency', { currency: id }) }, detail: d.eligibleTotal !== undefined ? t('finance.audit.detail.preview', { referrers: plural('plural.referrers', d.eligibleCount ?? 0), total: money(d.eligibleTotal, id) }) : '' };
        case 'period': {
          const [from, to] = id.split('/');
          const last = to ? new Date(new Date(to).getTime() - 1) : null;
          return {
            ...row,
            subject: { text: t('finance.audit.subject.period', { from: formatDate(locale, from, 'date', timeZone), to: last ? formatDate(locale, last, 'date', timeZone) : '' }) },
            detail: plural('plural.differences', d.differences ?? 0),
          };
        }
        case 'supplier':
          return { ...row, subject: { text: suppliers.get(id) ?? t('finance.audit.subject.unknownSupplier'), href: viewer === Role.Admin ? `/admin/suppliers/${id}` : undefined }, detail: s(d.reason) };
        default:
          return { ...row, subject: { text: t('finance.audit.subject.other') }, detail: '' };
      }
    });
    return { rows, total, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE)) };
  }
}
