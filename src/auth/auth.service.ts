import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuthUser } from '../access/access.decorators';
import { AuthErrorCode, AuthException } from './auth.exception';
import { assertStrongPassword, hashPassword, normalizeEmail, verifyPassword } from './password';
import { Role } from '../access/role';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { LimitSpec, RateLimitService } from './rate-limit.service';
import { SessionRepository } from './session.repository';
import { ApiKeysService } from './api-keys.service';
import { SecurityLogService } from '../security-log/security-log.service';
import { User } from './user.entity';
import { currentRequestLocale } from '../web/request-locale';

/** A session seen within this many seconds is not written again (renewal costs one UPDATE a minute). */
const TOUCH_AFTER_SECONDS = 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccountStatus {
  id: string;
  email: string;
  role: Role;
  disabledAt: string | null;
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** A throwaway hash so that unknown emails cost as much time as wrong passwords. */
let dummyHash: Promise<string> | undefined;

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const driverError = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string } })?.driverError;
  return err instanceof QueryFailedError && driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    private readonly sessions: SessionRepository,
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly securityLog: SecurityLogService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Creates an account inside the caller's transaction; EMAIL_TAKEN when the address is in use. */
  async createUser(manager: EntityManager, email: string, password: string, role: Role): Promise<User> {
    const normalized = normalizeEmail(email);
    assertStrongPassword(password, normalized);
    if (await manager.exists(User, { where: { email: normalized } })) {
      throw new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
    }
    // A self-registered referrer confirms the address by the emailed link before money goes there;
    // other accounts are made by staff (or are suppliers, who are never paid) and start confirmed.
    const emailVerifiedAt = role === Role.Referrer ? null : new Date();
    const user = manager.create(User, { email: normalized, passwordHash: await hashPassword(password), role, locale: currentRequestLocale() ?? null, emailVerifiedAt });
    try {
      return await manager.save(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
      throw err;
    }
  }

  private get loginLimits(): { account: LimitSpec; address: LimitSpec } {
    const c = this.config;
    return {
      account: { name: 'login-account', points: c.loginMaxFailuresPerAccount, windowSeconds: c.loginWindowSeconds },
      address: { name: 'login-address', points: c.loginMaxFailuresPerAddress, windowSeconds: c.loginWindowSeconds },
    };
  }

  /**
   * Checks email and password. Attempts are counted per account and per client address (shared by
   * every instance; a success gives its attempts back); once either has used up its attempts,
   * sign-in is refused with RATE_LIMITED before any password is checked, the right one included,
   * until the window passes.
   */
  async validateCredentials(email: unknown, password: unknown, clientIp = 'unknown'): Promise<AuthUser> {
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 320 || password.length > 200) {
      throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'email and password must be strings', [
        { field: 'email', problems: ['email must be a string'] },
        { field: 'password', problems: ['password must be a string'] },
      ]);
    }
    const normalized = normalizeEmail(email);
    const limits = this.loginLimits;
    // Counted before the password is checked (atomically, so parallel attempts cannot slip past).
    const locked = (scope: string) => () => this.securityLog.record({ kind: 'locked_out', email: normalized, ip: clientIp, detail: { scope } });
    await this.limits.consume(limits.address, clientIp, locked('address'));
    await this.limits.consume(limits.account, normalized, locked('account'));
    const user = await this.users.findOne({ where: { email: normalized } });
    if (!user) {
      dummyHash ??= hashPassword('not-a-real-password-0');
      await verifyPassword(await dummyHash, password);
      await this.securityLog.record({ kind: 'sign_in_failed', email: normalized, ip: clientIp });
      throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.securityLog.record({ kind: 'sign_in_failed', userId: user.id, email: normalized, ip: clientIp });
      throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    // A successful sign-in clears the account's failures and does not count against its address.
    await Promise.all([this.limits.reset(limits.account, normalized), this.limits.reward(limits.address, clientIp)]);
    if (user.disabledAt) throw new AuthException(AuthErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    return { id: user.id, email: user.email, role: user.role };
  }

  /**
   * The account behind a token, when the token's session is live (so logout, a password change,
   * disabling and a role change apply at once). Renews the session's idle time.
   */
  async resolveSession(payload: { sub?: unknown; sid?: unknown }): Promise<AuthUser | null> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !UUID.test(payload.sid) || !UUID.test(payload.sub)) return null;
    const live = await this.sessions.findLive(payload.sid, payload.sub, this.config.sessionIdleSeconds);
    if (!live) return null;
    if (live.idleSeconds > TOUCH_AFTER_SECONDS) await this.sessions.touch(live.sessionId);
    return { id: live.userId, email: live.email, role: live.role, sessionId: live.sessionId };
  }

  /** Starts a session and returns its token. */
  async issueToken(user: AuthUser, meta: { ip?: string; userAgent?: string; signIn?: boolean } = {}): Promise<IssuedToken> {
    const sid = await this.sessions.create(user.id, this.config.jwtTtlSeconds, { ip: meta.ip, userAgent: meta.userAgent });
    // A sign-in (not a sign-up's first token nor the new token after a password change): logged, and the staff list's last sign-in.
    if (meta.signIn) await this.securityLog.record({ kind: 'sign_in', userId: user.id, ip: meta.ip });
    // On the first sign-in of an account whose language is not known yet, the page's language.
    await this.users.manager.query(`UPDATE users SET last_sign_in_at = CASE WHEN $3 THEN now() ELSE last_sign_in_at END, locale = coalesce(locale, $2) WHERE id = $1`, [user.id, currentRequestLocale() ?? null, meta.signIn === true]);
    const accessToken = this.jwt.sign({ sub: user.id, role: user.role, sid }, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }

  /** Ends one session (logout); unknown or already ended sessions are fine. */
  async endSession(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.sessions.revoke(sessionId);
  }

  /** Changes the password after checking the current one; every session of the account ends. */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string): Promise<void> {
    // A stolen session cannot guess the current password at leisure.
    await this.limits.consume({ name: 'password-change', points: 10, windowSeconds: 3600 }, user.id);
    const account = await this.users.findOne({ where: { id: user.id } });
    if (!account || !(await verifyPassword(account.passwordHash, currentPassword))) {
      throw new AuthException(AuthErrorCode.CURRENT_PASSWORD_WRONG, 'The current password is wrong', { field: 'currentPassword' });
    }
    assertStrongPassword(newPassword, account.email);
    const hash = await hashPassword(newPassword);
    await this.users.manager.transaction(async (m) => {
      await m.update(User, { id: account.id }, { passwordHash: hash });
      await this.sessions.revokeAllOf(account.id, m);
      await this.securityLog.record({ kind: 'password_changed', userId: account.id }, m);
    });
  }

  /**
   * Disables or re-enables an account: the one rule for every path (staff pages, the API, the
   * exchange refusing or expelling a member). Disabling ends every session and revokes the API keys
   * the account made, at once; each change goes to the security log. Inside the caller's
   * transaction when given (the staff rules check their guards first).
   */
  async setDisabled(actor: AuthUser, userId: string, disabled: boolean, manager?: EntityManager): Promise<AccountStatus> {
    if (disabled && actor.id === userId) throw new AuthException(AuthErrorCode.CANNOT_DISABLE_SELF, 'You cannot disable your own account');
    const run = async (m: EntityManager): Promise<AccountStatus> => {
      const account = await m.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw new AuthException(AuthErrorCode.ACCOUNT_NOT_FOUND, 'No account with this id', { id: userId });
      if (disabled && !account.disabledAt) {
        await m.update(User, { id: userId }, { disabledAt: () => 'now()' });
        await this.sessions.revokeAllOf(userId, m);
        await this.apiKeys.revokeAllOf(m, userId, actor.id);
        await this.securityLog.record({ kind: 'account_disabled', userId, actorId: actor.id }, m);
      } else if (!disabled && account.disabledAt) {
        await m.update(User, { id: userId }, { disabledAt: null });
        await this.securityLog.record({ kind: 'account_enabled', userId, actorId: actor.id }, m);
      }
      const after = await m.findOneOrFail(User, { where: { id: userId } });
      return { id: after.id, email: after.email, role: after.role, disabledAt: after.disabledAt ? after.disabledAt.toISOString() : null };
    };
    return manager ? run(manager) : this.users.manager.transaction(run);
  }

  sessionCookieOptions() {
    return { httpOnly: true, secure: this.config.cookieSecure, sameSite: 'lax' as const, path: '/', maxAge: this.config.jwtTtlSeconds * 1000 };
  }
}
