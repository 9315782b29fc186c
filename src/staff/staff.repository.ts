import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../access/role';
import { Locale } from '../i18n/messages';

export type StaffStatus = 'active' | 'invited' | 'disabled';

export interface StaffRow {
  id: string;
  email: string;
  role: Role;
  status: StaffStatus;
  locale: Locale | null;
  lastSignInAt: Date | null;
  invitedAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

/** An invited account has this instead of a password hash: no password matches it. */
const NO_PASSWORD = '!invited-no-password';

const COLUMNS = `id, email, role, locale, last_sign_in_at, invited_at, disabled_at, created_at`;
const STAFF = `role IN ('finance','marketer','admin')`;

function view(r: any): StaffRow {
  const status: StaffStatus = r.disabled_at ? 'disabled' : r.invited_at ? 'invited' : 'active';
  return { id: r.id, email: r.email, role: r.role, status, locale: r.locale, lastSignInAt: r.last_sign_in_at, invitedAt: r.invited_at, disabledAt: r.disabled_at, createdAt: r.created_at };
}

/** SQL of staff accounts (the users with a finance, marketer or admin role). */
@Injectable()
export class StaffRepository {
  constructor(private readonly db: DataSource) {}

  /** Every staff account: active and invited first, then disabled; by email. */
  async list(): Promise<StaffRow[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM users WHERE ${STAFF} ORDER BY disabled_at IS NOT NULL, email`)).map(view);
  }

  async get(id: string, m: EntityManager = this.db.manager): Promise<StaffRow | null> {
    const [r] = await m.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND ${STAFF}`, [id]);
    return r ? view(r) : null;
  }

  /**
   * Serializes changes that could leave the program without an active admin (role changes,
   * disabling) for the rest of the caller's transaction, then locks the account.
   */
  async lockForChange(m: EntityManager, id: string): Promise<StaffRow | null> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('staff-admins'))`);
    const [r] = await m.query(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND ${STAFF} FOR UPDATE`, [id]);
    return r ? view(r) : null;
  }

  /** Active admins (signed up, not disabled) other than this account. */
  async otherActiveAdmins(m: EntityManager, exceptId: string): Promise<number> {
    const [r] = await m.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND invited_at IS NULL AND id <> $1`, [exceptId]);
    return r.n as number;
  }

  /** Any account with this (normalized) address, staff or not, locked. */
  async byEmailForUpdate(m: EntityManager, email: string): Promise<StaffRow | null> {
    const [r] = await m.query(`SELECT ${COLUMNS} FROM users WHERE email = $1 FOR UPDATE`, [email]);
    return r ? view(r) : null;
  }

  /** A new invited account: no usable password until the invitation is accepted. */
  async insertInvited(m: EntityManager, email: string, role: Role, locale: Locale, invitedBy: string): Promise<string> {
    const [r] = await m.query(
      `INSERT INTO users (email, password_hash, role, locale, invited_at, invited_by) VALUES ($1, $2, $3, $4, now(), $5) ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, NO_PASSWORD, role, locale, invitedBy],
    );
    return r?.id as string;
  }

  /** A fresh invitation of a still-invited account (role and language as now chosen). */
  async reinvite(m: EntityManager, id: string, role: Role, locale: Locale, invitedBy: string): Promise<void> {
    await m.query(`UPDATE users SET role = $2, locale = $3, invited_at = now(), invited_by = $4 WHERE id = $1 AND invited_at IS NOT NULL`, [id, role, locale, invitedBy]);
  }

  /** The invitee chose a password: the account is active from now on. */
  async acceptInvite(m: EntityManager, id: string, passwordHash: string): Promise<void> {
    // The address is confirmed too: the password was set through the link mailed to it.
    await m.query(`UPDATE users SET password_hash = $2, invited_at = NULL, email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1`, [id, passwordHash]);
  }

  async setRole(m: EntityManager, id: string, role: Role): Promise<void> {
    await m.query(`UPDATE users SET role = $2 WHERE id = $1`, [id, role]);
  }
}
