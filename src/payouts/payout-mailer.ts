import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EmailTemplateService } from '../email-templates/email-template.service';
import { MailDelivery, MailerService } from '../mail/mailer.service';
import { formatMoney } from '../money/money-format';
import { Locale } from '../web/messages';

/** Tells a referrer their payout was sent. Best effort: a mail failure never undoes a payout. */
@Injectable()
export class PayoutMailer {
  private readonly logger = new Logger('PayoutMailer');

  constructor(
    private readonly db: DataSource,
    private readonly mailer: MailerService,
    private readonly templates: EmailTemplateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where the message went (smtp or the outbox), or null when it could not be sent. */
  async payoutSent(item: { id: string; referrerId: string; amount: bigint; currency: string; method: string }, locale: Locale = 'en'): Promise<MailDelivery | null> {
    try {
      const [who] = await this.db.query(`SELECT u.email, r.full_name FROM referrers r JOIN users u ON u.id = r.user_id WHERE r.id = $1`, [item.referrerId]);
      if (!who) return null;
      const amount = formatMoney(locale, item.amount, item.currency.trim());
      const message = this.templates.renderTransactional({
        template: 'payout-sent',
        subjectKey: 'mail.payout.subject',
        locale,
        vars: { name: who.full_name, amount, stripe: item.method === 'stripe_connect', link: `${this.config.publicBaseUrl}/cabinet/earnings` },
      });
      const sent = await this.mailer.send({
        to: who.email,
        ...message,
        headers: { 'X-Handshake-Payout-Item': item.id },
        kind: 'payout',
        related: { payoutItemId: item.id, referrerId: item.referrerId },
      });
      return sent.delivery;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, itemId: item.id }, 'payout notification not sent');
      return null;
    }
  }
}
