import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { likeContains } from '../common/sql/like';
import { SecurityEventInput, SecurityEventKind } from './security-events';

export interface SecurityEventRow {
  id: string;
  at: Date;
  kind: SecurityEventKind;
  email: string | null;
  actorEmail: string | null;
  ip: string | null;
  detail: Record<string, string>;
}

export interface SecurityLogFilter {
  kind?: SecurityEventKind;
  /** Part of the account's address. */
  email?: string;
}

/** SQL of the security log (append-only). */
@Injectable()
export class SecurityLogRepository {
  constructor(private readonly db: DataSource) {}

  async insert(m: EntityManager | undefined, e: SecurityEventInput): Promise<void> {
    await (m ?? this.db.manager).query(
      `INSERT INTO security_events (kind, user_id, email, actor_id, ip, detail)
       VALUES ($1, $2, coalesce($3, (SELECT email FROM users WHERE id = $2)), $4, $5, $6::jsonb)`,
      [e.kind, e.userId ?? null, e.email?.slice(0, 320) ?? null, e.actorId ?? null, e.ip?.slice(0, 100) ?? null, JSON.stringify(e.detail ?? {})],
    );
  }

  async page(filter: SecurityLogFilter, limit: number, offset: number): Promise<{ rows: SecurityEventRow[]; total: number }> {
    const where = `($1::text IS NULL OR e.kind = $1) AND ($2::text IS NULL OR e.email ILIKE $2 ESCAPE '\\')`;
    const params = [filter.kind ?? null, filter.email ? likeContains(filter.email.toLowerCase()) : null];
    const [rows, [count]] = await Promise.all([
      this.db.query(
        `SELECT e.id::text AS id, e.at, e.kind, e.email, a.email AS "actorEmail", e.ip, e.detail
           FROM security_events e LEFT JOIN users a ON a.id = e.actor_id
          WHERE ${where} ORDER BY e.at DESC, e.id DESC LIMIT $3 OFFSET $4`,
        [...params, limit, offset],
      ),
      this.db.query(`SELECT count(*)::int AS n FROM security_events e WHERE ${where}`, params),
    ]);
    return { rows, total: count.n };
  }
}
