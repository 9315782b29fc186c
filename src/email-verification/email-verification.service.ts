import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, payoutsNeedConfirmedEmail } from '../config/config';
import { verifyEmailVerification } from '../common/crypto/email-verification-link';
import { NotificationService } from '../mail/notifications.service';
import { EmailVerificationErrorCode, EmailVerificationException } from './email-verification.exception';

/** Where a person stands with confirming their address. */
export interface VerificationState {
  email: string;
  verified: boolean;
  /** Payouts wait for the confirmation (PAYOUT_EMAIL_VERIFICATION=required). */
  payoutsWait: boolean;
}

/**
 * Confirming a self-registered referrer's email address: the cabinet's banner asks for the link,
 * which is mailed as a notification (so through the outbox without SMTP); following it and
 * pressing the button sets users.email_verified_at. The link is signed, bound to the address, and
 * valid for a week; using it twice changes nothing.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly db: DataSource,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get payoutsWaitForIt(): boolean {
    return payoutsNeedConfirmedEmail(this.config);
  }

  async stateOf(userId: string): Promise<VerificationState> {
    return this.state(`SELECT email, email_verified_at FROM users WHERE id = $1`, userId);
  }

  async stateOfReferrer(referrerId: string): Promise<VerificationState> {
    return this.state(`SELECT u.email, u.email_verified_at FROM users u JOIN referrers r ON r.user_id = u.id WHERE r.id = $1`, referrerId);
  }

  private async state(sql: string, id: string): Promise<VerificationState> {
    const [u] = await this.db.query(sql, [id]);
    const verified = !!u?.email_verified_at;
    return { email: (u?.email as string) ?? '', verified, payoutsWait: !verified && this.payoutsWaitForIt };
  }

  /** The address a valid link confirms (for the page that asks to press the button), or why not. */
  check(token: unknown): { userId: string; email: string } {
    const link = verifyEmailVerification(this.config.trackingSecret, token);
    if (!link) throw new EmailVerificationException(EmailVerificationErrorCode.VERIFICATION_LINK_INVALID, 'This confirmation link is invalid or expired; ask for a new one in your cabinet');
    return link;
  }

  /** Confirms the address of a valid link; a link for an address the account no longer has is refused. */
  async confirm(token: unknown): Promise<{ email: string }> {
    const link = this.check(token);
    const rows = await this.db.query(
      `WITH u AS (UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1 AND email = $2 AND disabled_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM u`,
      [link.userId, link.email],
    );
    if (rows[0].n === 0) throw new EmailVerificationException(EmailVerificationErrorCode.VERIFICATION_LINK_INVALID, 'This confirmation link is invalid or expired; ask for a new one in your cabinet');
    return { email: link.email };
  }

  /** Mails the link (at most one mail in two minutes); false when the address is already confirmed. */
  async resend(userId: string): Promise<boolean> {
    const state = await this.stateOf(userId);
    if (state.verified) return false;
    await this.db.transaction((m) => this.notifications.notify(m, 'referrer.verify_email', { userId }, {}));
    this.notifications.deliverSoon();
    return true;
  }
}
