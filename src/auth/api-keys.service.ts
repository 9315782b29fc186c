import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { Role, STAFF_ROLES } from '../access/role';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';

/** `hs_<8 hex>_<43 base64url>`: the prefix identifies the key, the rest is the secret. */
const KEY = /^hs_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key (not on every call). */
const TOUCH_AFTER_SECONDS = 60;

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string;
  createdByEmail: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** Is this bearer token an API key (rather than a session JWT)? */
export function isApiKeyToken(token: string): boolean {
  return token.startsWith('hs_');
}

/**
 * API keys: created by an admin with one staff role, shown once, stored hashed; a request bearing
 * one acts with that role, on behalf of the admin who made it (audit records name them), until it
 * is revoked or that admin's account is disabled.
 */
@Injectable()
export class ApiKeysService {
  constructor(private readonly db: DataSource) {}

  async create(name: string, role: Role, actor: AuthUser): Promise<ApiKeyRow & { key: string }> {
    if (!STAFF_ROLES.includes(role)) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'role must be finance, marketer or admin', [{ field: 'role' }]);
    const prefix = randomBytes(4).toString('hex');
    const key = `hs_${prefix}_${randomBytes(32).toString('base64url')}`;
    const [row] = await this.db.query(`INSERT INTO api_keys (name, prefix, key_hash, role, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [name.trim(), prefix, hashOf(key), role, actor.id]);
    return { ...(await this.get(row.id)), key };
  }

  /** Revokes every live key an account made (when it is disabled or loses the admin role); how many. */
  async revokeAllOf(m: EntityManager, userId: string, actorId: string): Promise<number> {
    const [r] = await m.query(
      `WITH u AS (UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE created_by = $1 AND revoked_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM u`,
      [userId, actorId],
    );
    return r.n as number;
  }

  async list(): Promise<ApiKeyRow[]> {
    return (await this.db.query(`${SELECT} ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC`)).map(view);
  }

  async get(id: string): Promise<ApiKeyRow> {
    const [r] = /^[0-9a-f-]{36}$/i.test(id) ? await this.db.query(`${SELECT} WHERE k.id = $1`, [id]) : [];
    if (!r) throw new CommonException(CommonErrorCode.NOT_FOUND, `No API key ${id}`);
    return view(r);
  }

  /** Revokes a key (at once: the next request with it is refused). Revoking twice is fine. */
  async revoke(id: string, actor: AuthUser): Promise<ApiKeyRow> {
    await this.get(id);
    await this.db.query(`UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, actor.id]);
    return this.get(id);
  }

  /** The user a key acts as, or null when it is malformed, unknown, revoked or its maker is disabled. */
  async resolve(token: string): Promise<AuthUser | null> {
    const m = KEY.exec(token);
    if (!m) return null;
    const [r] = await this.db.query(
      `SELECT k.id, k.key_hash, k.role, k.created_by, u.email, (k.last_used_at IS NULL OR k.last_used_at < now() - make_interval(secs => $2)) AS stale
         FROM api_keys k JOIN users u ON u.id = k.created_by
        WHERE k.prefix = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [m[1], TOUCH_AFTER_SECONDS],
    );
    if (!r) return null;
    const given = Buffer.from(hashOf(token), 'hex');
    const stored = Buffer.from(r.key_hash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    if (r.stale) await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [r.id]);
    return { id: r.created_by, email: r.email, role: r.role as Role, apiKeyId: r.id };
  }
}

const SELECT = `SELECT k.id, k.name, k.prefix, k.role, k.created_by, u.email AS created_by_email, k.created_at, k.last_used_at, k.revoked_at
  FROM api_keys k JOIN users u ON u.id = k.created_by`;

function view(r: any): ApiKeyRow {
  return { id: r.id, name: r.name, prefix: r.prefix, role: r.role, createdBy: r.created_by, createdByEmail: r.created_by_email, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}
