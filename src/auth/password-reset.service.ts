import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MailerService } from '../mail/mailer.service';
import { EmailTemplateService } from '../email-templates/email-template.service';
import '../mail/notifications.messages';
import { Locale } from '../i18n/messages';
import { AuthErrorCode, AuthException } from './auth.exception';
import { assertStrongPassword, hashPassword, normalizeEmail } from './password';
import { RateLimitService } from './rate-limit.service';
import { SessionRepository } from './session.repository';
import { OneTimeTokenRepository } from './one-time-token.repository';
import { SecurityLogService } from '../security-log/security-log.service';

const RESET_LIFE_SECONDS = 3600;

/**
 * Password reset by email: a single-use link valid for an hour. Asking answers the same whether or
 * not the address has an account; using the link sets the password and ends every session.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly db: DataSource,
    private readonly mailer: MailerService,
    private readonly templates: EmailTemplateService,
    private readonly sessions: SessionRepository,
    private readonly limits: RateLimitService,
    private readonly tokens: OneTimeTokenRepository,
    private readonly securityLog: SecurityLogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends a reset link when the address has an active account; the caller learns nothing either way. */
  async request(email: string, locale: Locale, clientIp: string): Promise<void> {
    const normalized = normalizeEmail(email);
    await this.limits.consume({ name: 'reset-address', points: 20, windowSeconds: 3600 }, clientIp);
    // Per address asked for: a few mails an hour at most, silently (the answer must not differ).
    const perEmail = await this.limits.consume({ name: 'reset-email', points: 3, windowSeconds: 3600 }, normalized).then(() => true, () => false);
    if (!perEmail) return;
    const [user] = await this.db.query(`SELECT id, email, locale FROM users WHERE email = $1 AND disabled_at IS NULL AND invited_at IS NULL`, [normalized]);
    if (!user) return;
    const token = await this.tokens.issue(user.id, 'reset', RESET_LIFE_SECONDS);
    const link = `${this.config.publicBaseUrl}/reset-password?token=${token}`;
    // In the person's own language when known, else the language of the page that asked.
    const message = this.templates.renderTransactional({ template: 'password-reset', subjectKey: 'mail.reset.subject', locale: (user.locale as Locale | null) ?? locale, vars: { link } });
    // Not awaited: the answer takes as long whether or not a mail goes out.
    this.mailer
      .send({ to: user.email, ...message, kind: 'password_reset' })
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'password reset mail not sent'));
  }

  /** Sets a new password with a reset token: the token is used up and every session of the account ends. */
  async confirm(token: string, newPassword: string): Promise<void> {
    await this.db.transaction(async (m) => {
      // The link is used up with any other outstanding link of the account.
      const row = await this.tokens.take(m, token, 'reset');
      if (!row) throw new AuthException(AuthErrorCode.RESET_TOKEN_INVALID, 'This reset link is invalid, used or expired; ask for a new one', { field: 'token' });
      assertStrongPassword(newPassword, row.email);
      await m.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [row.userId, await hashPassword(newPassword)]);
      await this.sessions.revokeAllOf(row.userId, m);
      await this.securityLog.record({ kind: 'password_reset', userId: row.userId }, m);
    });
  }
}
