import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface TwoFactorRow {
  secret: Buffer;
  confirmedAt: Date | null;
  lastTimeStep: string | null;
}

/** The SQL of two-factor sign-in: one secret per account, recovery codes stored as hashes. */
@Injectable()
export class TwoFactorRepository {
  constructor(private readonly db: DataSource) {}

  async find(userId: string, m: EntityManager = this.db.manager, lock = false): Promise<TwoFactorRow | undefined> {
    const [row] = (await m.query(
      `SELECT secret, confirmed_at AS "confirmedAt", last_time_step::text AS "lastTimeStep" FROM two_factor WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [userId],
    )) as TwoFactorRow[];
    return row;
  }

  /** A fresh unconfirmed secret; refused (false) when the account already has a confirmed one. */
  async begin(userId: string, secret: Buffer): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO two_factor (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now(), last_time_step = NULL
         WHERE two_factor.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, secret],
    )) as unknown[];
    return rows.length === 1;
  }

  async confirm(m: EntityManager, userId: string, timeStep: number, codeHashes: string[]): Promise<void> {
    await m.query(`UPDATE two_factor SET confirmed_at = now(), last_time_step = $2 WHERE user_id = $1`, [userId, timeStep]);
    await m.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
    await m.query(`INSERT INTO two_factor_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [userId, codeHashes]);
  }

  /** Records the time step of an accepted code; false when that step (or a later one) was used already. */
  async useTimeStep(m: EntityManager, userId: string, timeStep: number): Promise<boolean> {
    const [row] = (await m.query(
      `WITH u AS (UPDATE two_factor SET last_time_step = $2 WHERE user_id = $1 AND (last_time_step IS NULL OR last_time_step < $2) RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [userId, timeStep],
    )) as { n: number }[];
    return row.n === 1;
  }

  /** Spends one recovery code; false when it is not one of the account's unused codes. */
  async useRecoveryCode(m: EntityManager, userId: string, codeHash: string): Promise<boolean> {
    const [row] = (await m.query(
      `WITH u AS (UPDATE two_factor_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [userId, codeHash],
    )) as { n: number }[];
    return row.n === 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const [row] = (await this.db.query(`SELECT count(*)::int AS n FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, [userId])) as { n: number }[];
    return row.n;
  }

  /** The account behind a sign-in challenge, unless it was disabled meanwhile. */
  async activeAccount(userId: string): Promise<{ id: string; email: string; role: string } | undefined> {
    const [row] = (await this.db.query(`SELECT id, email, role FROM users WHERE id = $1 AND disabled_at IS NULL`, [userId])) as { id: string; email: string; role: string }[];
    return row;
  }

  async remove(userId: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM two_factor WHERE user_id = $1`, [userId]);
    await m.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
  }
}
