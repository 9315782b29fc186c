import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { signUnsubscribe, verifyUnsubscribe } from '../common/tracking-token';
import { SuppressionView } from './suppression.dto';
import { returnedRows } from '../common/sql-rows';
import { SuppressionErrorCode, SuppressionException } from './suppression.exception';
import { likeContains } from '../common/sql/like';

export type SuppressionReason = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'manual';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Addresses that are never mailed again, on any audience: unsubscribed, hard-bounced, complained.
 * Audience imports skip them, campaigns leave them out when listing and again right before sending.
 */
@Injectable()
export class SuppressionService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Idempotent: the first reason recorded for an address stays. Returns true when newly suppressed. */
  async suppress(m: EntityManager, email: string, reason: SuppressionReason, campaignId?: string | null, detail?: string): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO suppressions (email, reason, campaign_id, detail) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING email`,
      [normalizeEmail(email), reason, campaignId ?? null, detail?.slice(0, 500) ?? null],
    );
    return rows.length > 0;
  }

  /** The subset of the given (normalized) addresses that is suppressed. */
  async suppressedAmong(m: EntityManager, emails: string[]): Promise<Set<string>> {
    if (emails.length === 0) return new Set();
    const rows: { email: string }[] = await m.query(`SELECT email FROM suppressions WHERE email = ANY($1::text[])`, [emails]);
    return new Set(rows.map((r) => r.email));
  }

  unsubscribeUrl(sendId: string, email: string): string {
    return `${this.config.publicBaseUrl}/unsubscribe/${signUnsubscribe(this.config.trackingSecret, sendId, normalizeEmail(email))}`;
  }

  /** Who a link's token is for; a forged or tampered token is "not found". */
  target(token: string): { sendId: string; email: string } {
    const t = verifyUnsubscribe(this.config.trackingSecret, token);
    if (!t) throw new SuppressionException(SuppressionErrorCode.UNSUBSCRIBE_LINK_INVALID, 'This unsubscribe link is not valid');
    return t;
  }

  /** RFC 8058 one-click unsubscribe (a POST). */
  async unsubscribe(token: string): Promise<{ email: string }> {
    const { sendId, email } = this.target(token);
    await this.db.transaction(async (m) => {
      const send: { campaign_id: string }[] = sendId === '0' ? [] : await m.query(`SELECT campaign_id FROM campaign_sends WHERE id = $1`, [sendId]);
      await this.suppress(m, email, 'unsubscribed', send[0]?.campaign_id ?? null, 'one-click unsubscribe');
    });
    return { email };
  }

  async add(email: string, reason: SuppressionReason, detail?: string, userId?: string): Promise<SuppressionView> {
    await this.db.transaction(async (m) => {
      if (await this.suppress(m, email, reason, null, detail)) await m.query(`UPDATE suppressions SET created_by = $2 WHERE email = $1`, [normalizeEmail(email), userId ?? null]);
    });
    return this.get(email);
  }

  /** Addresses matching `q` (part of the address), newest first, with who added them by hand. */
  async search(q: string, limit: number, offset: number): Promise<{ rows: (SuppressionView & { addedBy: string | null })[]; total: number }> {
    const like = likeContains(q.trim().toLowerCase());
    const rows = await this.db.query(
      `SELECT s.*, u.email AS added_by, count(*) OVER ()::int AS total FROM suppressions s LEFT JOIN users u ON u.id = s.created_by
        WHERE s.email LIKE $1 ORDER BY s.created_at DESC, s.email LIMIT $2 OFFSET $3`,
      [like, limit, offset],
    );
    return { rows: rows.map((r: Record<string, any>) => ({ ...toView(r), addedBy: r.added_by ?? null })), total: rows[0]?.total ?? 0 };
  }

  /**
   * Lifts a suppression: only with a reason, and never silently: the row moves to
   * suppression_removals (append-only) with who removed it, when and why.
   */
  async remove(email: string, removalReason: string, userId?: string): Promise<void> {
    const reason = removalReason.trim();
    if (!reason) throw new SuppressionException(SuppressionErrorCode.SUPPRESSION_REMOVAL_REASON_REQUIRED, 'Say why the address may be mailed again', { field: 'removalReason' });
    await this.db.transaction(async (m) => {
      const gone = await m.query(`DELETE FROM suppressions WHERE email = $1 RETURNING *`, [normalizeEmail(email)]);
      const r = returnedRows<Record<string, any>>(gone)[0];
      if (!r) throw new SuppressionException(SuppressionErrorCode.SUPPRESSION_NOT_FOUND, `${email} is not suppressed`);
      await m.query(
        `INSERT INTO suppression_removals (email, reason, campaign_id, detail, suppressed_at, suppressed_by, removal_reason, removed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [r.email, r.reason, r.campaign_id, r.detail, r.created_at, r.created_by, reason.slice(0, 500), userId ?? null],
      );
    });
  }

  /** Suppressions lifted, newest first (the audit of removals). */
  async removals(limit = 50): Promise<{ email: string; reason: string; removalReason: string; removedBy: string | null; removedAt: Date; suppressedAt: Date }[]> {
    const rows = await this.db.query(
      `SELECT r.*, u.email AS removed_by_email FROM suppression_removals r LEFT JOIN users u ON u.id = r.removed_by ORDER BY r.removed_at DESC, r.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r: Record<string, any>) => ({ email: r.email, reason: r.reason, removalReason: r.removal_reason, removedBy: r.removed_by_email, removedAt: r.removed_at, suppressedAt: r.suppressed_at }));
  }

  async get(email: string): Promise<SuppressionView> {
    const rows = await this.db.query(`SELECT * FROM suppressions WHERE email = $1`, [normalizeEmail(email)]);
    if (!rows[0]) throw new SuppressionException(SuppressionErrorCode.SUPPRESSION_NOT_FOUND, `${email} is not suppressed`);
    return toView(rows[0]);
  }

  async list(limit: number, offset: number): Promise<SuppressionView[]> {
    const rows = await this.db.query(`SELECT * FROM suppressions ORDER BY created_at DESC, email LIMIT $1 OFFSET $2`, [limit, offset]);
    return rows.map(toView);
  }
}

function toView(r: Record<string, any>): SuppressionView {
  return { email: r.email, reason: r.reason, campaignId: r.campaign_id, detail: r.detail, createdAt: r.created_at };
}
