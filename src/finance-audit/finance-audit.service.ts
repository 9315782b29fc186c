import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { toCsv } from '../common/csv/csv';
import { ProgramService } from '../program/program.service';
import { FinanceAuditEntry } from './finance-audit.entity';
import { FinanceAuditQuery, FinanceAuditView } from './finance-audit.dto';

export enum FinanceAction {
  Preview = 'payout.preview',
  Create = 'payout.create',
  Approve = 'payout.approve',
  Execute = 'payout.execute',
  MarkPaid = 'payout.mark_paid',
  MarkFailed = 'payout.mark_failed',
  Cancel = 'payout.cancel',
  Adjust = 'adjustment.create',
  Reconcile = 'reconciliation.run',
  AttributionChange = 'attribution.change',
}

export interface AuditRecord {
  action: FinanceAction;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
  details?: unknown;
}

/** Who did what to which money, written in the same transaction as the change itself. */
@Injectable()
export class FinanceAuditService {
  constructor(
    private readonly db: DataSource,
    private readonly program: ProgramService,
  ) {}

  async record(m: EntityManager, actor: AuthUser, rec: AuditRecord): Promise<void> {
    await m.insert(FinanceAuditEntry, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: rec.action,
      subjectType: rec.subjectType,
      subjectId: rec.subjectId ?? null,
      before: plain(rec.before),
      after: plain(rec.after),
      details: plain(rec.details),
    });
  }

  async list(q: FinanceAuditQuery): Promise<FinanceAuditView[]> {
    const qb = this.filtered(q).orderBy('a.id', 'DESC').take(q.limit ?? 200);
    if (q.offset) qb.skip(q.offset);
    return (await qb.getMany()).map(toView);
  }

  /** How many entries match the filters (for paging). */
  count(q: FinanceAuditQuery): Promise<number> {
    return this.filtered(q).getCount();
  }

  /** Everyone who may appear in the log: finance and admin staff, and anyone who ever acted. By email. */
  async actors(): Promise<string[]> {
    const rows: { email: string }[] = await this.db.query(
      `SELECT email FROM users WHERE role IN ('finance', 'admin') UNION SELECT actor_email FROM finance_audit_log ORDER BY 1`,
    );
    return [...new Set(rows.map((r) => r.email.toLowerCase()))];
  }

  private filtered(q: FinanceAuditQuery) {
    const qb = this.db.manager.createQueryBuilder(FinanceAuditEntry, 'a');
    if (q.from) qb.andWhere('a.at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.at < :to', { to: q.to });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.subjectId) qb.andWhere('a.subject_id = :subjectId', { subjectId: q.subjectId });
    if (q.actor) qb.andWhere('lower(a.actor_email) = lower(:actor)', { actor: q.actor.trim() });
    return qb;
  }

  async csv(q: FinanceAuditQuery): Promise<string> {
    const [rows, timeZone] = await Promise.all([this.list({ ...q, limit: q.limit ?? 100_000 }), this.program.timeZone()]);
    // A file people open: times as the program's clock shows them (ISO 8601 with its offset).
    return toCsv(
      ['id', 'at', 'actor_email', 'actor_id', 'action', 'subject_type', 'subject_id', 'before', 'after', 'details'],
      rows.map((r) => [r.id, r.at, r.actorEmail, r.actorId, r.action, r.subjectType, r.subjectId, json(r.before), json(r.after), json(r.details)]),
      { timeZone },
    );
  }
}

/** BigInts become decimal strings so jsonb keeps them exactly. */
function plain(v: unknown): object | null {
  return v === undefined ? null : JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

function json(v: unknown): string {
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

function toView(a: FinanceAuditEntry): FinanceAuditView {
  return {
    id: a.id.toString(),
    at: a.at,
    actorId: a.actorId,
    actorEmail: a.actorEmail,
    action: a.action,
    subjectType: a.subjectType,
    subjectId: a.subjectId,
    before: a.before ?? null,
    after: a.after ?? null,
    details: a.details ?? null,
  };
}
