import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../access/role';

export interface LiveSession {
  sessionId: string;
  userId: string;
  email: string;
  role: Role;
  /** Seconds since the session was last seen. */
  idleSeconds: number;
}

/** SQL of the auth_sessions table (server-side, revocable sessions). */
@Injectable()
export class SessionRepository {
  constructor(private readonly db: DataSource) {}

  async create(userId: string, absoluteSeconds: number, meta: { ip?: string; userAgent?: string } = {}, m: EntityManager = this.db.manager): Promise<string> {
    const [row] = await m.query(
      `INSERT INTO auth_sessions (user_id, expires_at, ip, user_agent) VALUES ($1, now() + make_interval(secs => $2), $3, $4) RETURNING id`,
      [userId, absoluteSeconds, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null],
    );
    return row.id as string;
  }

  /**
   * The session and its account when the session is live: one primary-key lookup joined to the
   * account. Null when revoked, idle longer than `idleSeconds`, past its end, or the account is disabled.
   */
  async findLive(sessionId: string, userId: string, idleSeconds: number): Promise<LiveSession | null> {
    const rows: { id: string; user_id: string; email: string; role: Role; idle: number }[] = await this.db.query(
      `SELECT s.id, s.user_id, u.email, u.role, extract(epoch FROM now() - s.last_seen_at)::float8 AS idle
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(secs => $3) AND u.disabled_at IS NULL`,
      [sessionId, userId, idleSeconds],
    );
    const r = rows[0];
    return r ? { sessionId: r.id, userId: r.user_id, email: r.email, role: r.role, idleSeconds: Number(r.idle) } : null;
  }

  async touch(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE auth_sessions SET last_seen_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE auth_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }

  /** Ends every live session of the account (optionally keeping one); returns how many ended. */
  async revokeAllOf(userId: string, m: EntityManager = this.db.manager, keep?: string): Promise<number> {
    const rows = await m.query(
      `UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2) RETURNING id`,
      [userId, keep ?? null],
    );
    return rows.length;
  }
}
