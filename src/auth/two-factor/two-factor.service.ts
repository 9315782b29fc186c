import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { decryptDetails, encryptDetails } from '../../common/crypto/details-crypto';
import type { AuthUser } from '../../access/access.decorators';
import { RateLimitService } from '../rate-limit.service';
import { Role } from '../../access/role';
import { TwoFactorErrorCode, TwoFactorException } from './two-factor.exception';
import { TwoFactorRepository } from './two-factor.repository';
import { SecurityLogService } from '../../security-log/security-log.service';

/** Roles that must sign in with a second factor when STAFF_TWO_FACTOR=required. */
export const TWO_FACTOR_ROLES: readonly Role[] = [Role.Finance, Role.Admin];
export const RECOVERY_CODE_COUNT = 10;
/** A code is accepted one 30-second step either side of now (clock drift of a phone). */
const EPOCH_TOLERANCE_SECONDS = 30;
const CHALLENGE_TTL_SECONDS = 300;
/** Wrong codes per account per 15 minutes before RATE_LIMITED. */
const CODE_LIMIT = { name: 'two-factor', points: 5, windowSeconds: 15 * 60 };

export interface TwoFactorStatus {
  enrolled: boolean;
  /** The account's role must use it (finance and admin when required by the config). */
  required: boolean;
  recoveryCodesLeft: number;
}

export interface TwoFactorSetup {
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code (server-rendered, no script). */
  qrSvg: string;
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');
/** Recovery codes are typed by hand: case, spaces and dashes do not matter. */
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * Two-factor sign-in with TOTP (RFC 6238, any authenticator app) and single-use recovery codes.
 * The one place that decides when a code is needed and whether a code is good.
 */
@Injectable()
export class TwoFactorService {
  private readonly key: Buffer;
  private readonly challengeKey: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly repo: TwoFactorRepository,
    private readonly limits: RateLimitService,
    private readonly jwt: JwtService,
    private readonly securityLog: SecurityLogService,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', config.payoutDetailsKey, Buffer.alloc(0), 'handshake two-factor secret', 32));
    this.challengeKey = createHmac('sha256', config.jwtSecret).update('handshake two-factor challenge').digest('hex');
  }

  isRequiredFor(role: Role): boolean {
    return this.config.staffTwoFactor === 'required' && TWO_FACTOR_ROLES.includes(role);
  }

  /** Whether the account signs in with a second factor (one query; no counting). */
  async isEnrolled(userId: string): Promise<boolean> {
    return !!(await this.repo.find(userId))?.confirmedAt;
  }

  async status(user: Pick<AuthUser, 'id' | 'role'>): Promise<TwoFactorStatus> {
    const row = await this.repo.find(user.id);
    const enrolled = !!row?.confirmedAt;
    return { enrolled, required: this.isRequiredFor(user.role), recoveryCodesLeft: enrolled ? await this.repo.recoveryCodesLeft(user.id) : 0 };
  }

  /** Starts (or restarts) a set-up: a new secret to scan; it counts only once confirmed with a code. */
  async begin(user: Pick<AuthUser, 'id' | 'email'>, issuer: string): Promise<TwoFactorSetup> {
    const secret = generateSecret();
    if (!(await this.repo.begin(user.id, this.seal(user.id, secret)))) {
      throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_NOT_STARTED, 'Two-factor sign-in is already on for this account');
    }
    return this.setupOf(user, issuer, secret);
  }

  /** The set-up in progress (to show the QR code again after a wrong code). */
  async pending(user: Pick<AuthUser, 'id' | 'email'>, issuer: string): Promise<TwoFactorSetup | undefined> {
    const row = await this.repo.find(user.id);
    if (!row || row.confirmedAt) return undefined;
    return this.setupOf(user, issuer, this.open(user.id, row.secret));
  }

  /** Turns it on with a first good code; answers the recovery codes, shown this once. */
  async confirm(user: Pick<AuthUser, 'id'>, code: unknown): Promise<string[]> {
    await this.limits.consume(CODE_LIMIT, user.id);
    return this.db.transaction(async (m) => {
      const row = await this.repo.find(user.id, m, true);
      if (!row || row.confirmedAt) throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_NOT_STARTED, 'Start the set-up first');
      const step = await this.totpStep(this.open(user.id, row.secret), code);
      if (step === undefined) throw invalid();
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
        const raw = randomBytes(5).toString('hex');
        return `${raw.slice(0, 5)}-${raw.slice(5)}`;
      });
      await this.repo.confirm(m, user.id, step, codes.map((c) => hash(normalizeRecovery(c))));
      await this.securityLog.record({ kind: 'two_factor_enabled', userId: user.id }, m);
      await this.limits.reset(CODE_LIMIT, user.id);
      return codes;
    });
  }

  /** Turns it off (with a good code); finance and admin may not while it is required. */
  async disable(user: Pick<AuthUser, 'id' | 'role'>, code: unknown): Promise<void> {
    if (this.isRequiredFor(user.role)) throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_CANNOT_DISABLE, 'Finance and admin accounts must keep two-factor sign-in on');
    await this.verify(user, code);
    await this.db.transaction(async (m) => {
      await this.repo.remove(user.id, m);
      await this.securityLog.record({ kind: 'two_factor_disabled', userId: user.id }, m);
    });
  }

  /** At sign-in: nothing to do without two-factor; otherwise a good code (or recovery code) is needed. */
  async checkSignIn(user: Pick<AuthUser, 'id'>, code: unknown): Promise<void> {
    const row = await this.repo.find(user.id);
    if (!row?.confirmedAt) return;
    if (code === undefined || code === null || code === '') throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_REQUIRED, 'Enter the code from your authenticator app', { field: 'totpCode' });
    await this.verify(user, code);
  }

  /**
   * Before approving or executing payouts: a fresh code when two-factor is on; refused when the
   * account must have it and has not set it up.
   */
  async checkFresh(user: Pick<AuthUser, 'id' | 'role'>, code: unknown): Promise<void> {
    const row = await this.repo.find(user.id);
    if (!row?.confirmedAt) {
      if (this.isRequiredFor(user.role)) throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_SETUP_REQUIRED, 'Set up two-factor sign-in before approving or executing payouts', { setupUrl: '/account/two-factor' });
      return;
    }
    if (code === undefined || code === null || code === '') throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_REQUIRED, 'Enter a fresh code from your authenticator app', { field: 'totpCode' });
    await this.verify(user, code);
  }

  /** A good current code (each time step once) or an unused recovery code; counts failures. */
  async verify(user: Pick<AuthUser, 'id'>, code: unknown): Promise<void> {
    await this.limits.consume(CODE_LIMIT, user.id);
    const ok = await this.db.transaction(async (m) => {
      const row = await this.repo.find(user.id, m, true);
      if (!row?.confirmedAt) return false;
      if (typeof code === 'string' && /^\s*\d{6}\s*$/.test(code)) {
        const step = await this.totpStep(this.open(user.id, row.secret), code);
        return step !== undefined && (await this.repo.useTimeStep(m, user.id, step));
      }
      if (typeof code === 'string' && code.length <= 40 && (await this.repo.useRecoveryCode(m, user.id, hash(normalizeRecovery(code))))) {
        await this.securityLog.record({ kind: 'recovery_code_used', userId: user.id }, m);
        return true;
      }
      return false;
    });
    if (!ok) {
      await this.securityLog.record({ kind: 'two_factor_failed', userId: user.id });
      throw invalid();
    }
    await this.limits.reset(CODE_LIMIT, user.id);
  }

  /**
   * The login form's second step: a short-lived signed note that the password was right. A JWT
   * under a key of its own, so it can never pass for a session token (nor one for it).
   */
  challengeFor(userId: string): string {
    return this.jwt.sign({ sub: userId, purpose: 'two-factor' }, { secret: this.challengeKey, expiresIn: CHALLENGE_TTL_SECONDS });
  }

  /** The account of a challenge, or TWO_FACTOR_CHALLENGE_EXPIRED. */
  challengeUser(challenge: unknown): string {
    try {
      if (typeof challenge !== 'string' || challenge.length > 1000) throw new Error('not a challenge');
      const { sub, purpose } = this.jwt.verify<{ sub?: unknown; purpose?: unknown }>(challenge, { secret: this.challengeKey });
      if (purpose !== 'two-factor' || typeof sub !== 'string' || !/^[0-9a-f-]{36}$/.test(sub)) throw new Error('not a challenge');
      return sub;
    } catch {
      throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_CHALLENGE_EXPIRED, 'The sign-in step expired; enter your password again');
    }
  }

  /** The second sign-in step: the challenge's account once its code is good. */
  async completeSignIn(challenge: unknown, code: unknown): Promise<AuthUser> {
    const account = await this.repo.activeAccount(this.challengeUser(challenge));
    if (!account) throw new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_CHALLENGE_EXPIRED, 'The sign-in step expired; enter your password again');
    await this.verify(account, code);
    return { id: account.id, email: account.email, role: account.role as Role };
  }


  private async totpStep(secret: string, code: unknown): Promise<number | undefined> {
    if (typeof code !== 'string' || !/^\s*\d{6}\s*$/.test(code)) return undefined;
    const result = await verify({ secret, token: code.trim(), epochTolerance: EPOCH_TOLERANCE_SECONDS });
    return result.valid ? (result as { timeStep: number }).timeStep : undefined;
  }

  private async setupOf(user: Pick<AuthUser, 'email'>, issuer: string, secret: string): Promise<TwoFactorSetup> {
    const uri = generateURI({ issuer, label: user.email, secret });
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return { secret, uri, qrSvg };
  }

  private seal(userId: string, secret: string): Buffer {
    return encryptDetails(this.key, userId, { secret });
  }

  private open(userId: string, blob: Buffer): string {
    return decryptDetails<{ secret: string }>(this.key, userId, blob).secret;
  }
}

function invalid(): TwoFactorException {
  return new TwoFactorException(TwoFactorErrorCode.TWO_FACTOR_INVALID, 'The code is wrong or already used', { field: 'totpCode' });
}
