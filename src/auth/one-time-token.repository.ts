import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

/** What a single-use link is for: a password reset or a staff invitation. */
export type OneTimePurpose = 'reset' | 'invite';
/** Where a link stands: usable, used up (or replaced by a newer one), past its end, or never issued. */
export type OneTimeState = 'valid' | 'used' | 'expired' | 'unknown';

const sha256 = (token: string) => createHash('sha256').update(token).digest();

/**
 * SQL of single-use, expiring links (the password_resets table): only the SHA-256 of a token is
 * stored; using one marks it used.
 */
@Injectable()
export class OneTimeTokenRepository {
  constructor(private readonly db: DataSource) {}

  /** A new token for the account; with `replace`, its other open tokens of this purpose stop working. */
  async issue(userId: string, purpose: OneTimePurpose, lifeSeconds: number, m: EntityManager = this.db.manager, replace = false): Promise<string> {
    if (replace) await m.query(`UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [userId, purpose]);
    const token = randomBytes(32).toString('base64url');
    await m.query(`INSERT INTO password_resets (user_id, token_hash, expires_at, purpose) VALUES ($1, $2, now() + make_interval(secs => $3), $4)`, [userId, sha256(token), lifeSeconds, purpose]);
    return token;
  }

  /** Where a token stands, without using it (a GET may ask). */
  async state(token: string, purpose: OneTimePurpose): Promise<{ state: OneTimeState; userId?: string; email?: string }> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return { state: 'unknown' };
    const [row] = await this.db.query(
      `SELECT r.user_id, u.email, r.used_at IS NOT NULL AS used, r.expires_at <= now() AS expired, u.disabled_at IS NOT NULL AS disabled
         FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1 AND r.purpose = $2`,
      [sha256(token), purpose],
    );
    if (!row || row.disabled) return { state: 'unknown' };
    return { state: row.used ? 'used' : row.expired ? 'expired' : 'valid', userId: row.user_id, email: row.email };
  }

  /**
   * Takes a live token inside the caller's transaction (locked, so it is used once), marking it and
   * every other open token of the account used; null when it is unknown, used, expired or the account is disabled.
   */
  async take(m: EntityManager, token: string, purpose: OneTimePurpose): Promise<{ userId: string; email: string } | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    const [row] = await m.query(
      `SELECT r.id, r.user_id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
        WHERE r.token_hash = $1 AND r.purpose = $2 AND r.used_at IS NULL AND r.expires_at > now() AND u.disabled_at IS NULL FOR UPDATE OF r`,
      [sha256(token), purpose],
    );
    if (!row) return null;
    await m.query(`UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [row.user_id]);
    return { userId: row.user_id, email: row.email };
  }
}
