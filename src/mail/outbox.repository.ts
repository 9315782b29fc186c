import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeContains } from '../common/sql/like';

/** The kinds of message the product sends; the outbox lists them by kind. */
export const MAIL_KINDS = ['campaign', 'test', 'notification', 'payout', 'password_reset', 'staff_invite', 'other'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface OutboxRow {
  id: string;
  createdAt: Date;
  kind: MailKind;
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  related: Record<string, string>;
  messageId: string;
}

export type OutboxSummary = Omit<OutboxRow, 'html' | 'text' | 'headers'>;

export type NewOutboxRow = Omit<OutboxRow, 'id' | 'createdAt'>;

/** SQL of the mail_outbox table. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  async insert(m: NewOutboxRow): Promise<string> {
    const rows = await this.db.query(
      `INSERT INTO mail_outbox (kind, to_address, from_address, subject, html, text_body, headers, related, message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::text AS id`,
      [m.kind, m.to, m.from, m.subject, m.html, m.text, JSON.stringify(m.headers), JSON.stringify(m.related), m.messageId],
    );
    return rows[0].id;
  }

  /** Newest first (by id: the order they were kept); `q` matches the recipient or the subject (case-insensitive substring). */
  async list(q: string | undefined, limit: number, offset: number): Promise<{ total: number; items: OutboxSummary[] }> {
    const pattern = q ? likeContains(q) : null;
    const where = `WHERE ($1::text IS NULL OR to_address ILIKE $1 OR subject ILIKE $1)`;
    const [count] = await this.db.query(`SELECT count(*)::int AS n FROM mail_outbox ${where}`, [pattern]);
    const rows = await this.db.query(
      `SELECT id::text AS id, created_at, kind, to_address, from_address, subject, related, message_id
         FROM mail_outbox ${where} ORDER BY mail_outbox.id DESC LIMIT $2 OFFSET $3`,
      [pattern, limit, offset],
    );
    return { total: Number(count.n), items: rows.map(summary) };
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    const [r] = await this.db.query(
      `SELECT id::text AS id, created_at, kind, to_address, from_address, subject, html, text_body, headers, related, message_id FROM mail_outbox WHERE id = $1`,
      [id],
    );
    return r ? { ...summary(r), html: r.html, text: r.text_body, headers: r.headers } : undefined;
  }

  /** How many messages of a campaign were kept in the outbox. */
  async countForCampaign(campaignId: string): Promise<number> {
    const [r] = await this.db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE related ? 'campaignId' AND related->>'campaignId' = $1`, [campaignId]);
    return Number(r.n);
  }
}

function summary(r: Record<string, any>): OutboxSummary {
  return { id: r.id, createdAt: r.created_at, kind: r.kind, to: r.to_address, from: r.from_address, subject: r.subject, related: r.related, messageId: r.message_id };
}
