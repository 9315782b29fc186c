import { Injectable, Logger } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DataSource } from 'typeorm';
import { MailerService } from '../mail/mailer.service';
import { formatMoney } from '../money/money-format';

const html = Handlebars.compile(
  `<p>Hello, {{name}}!</p><p>We have sent you a payout of <strong>{{amount}}</strong> {{#if stripe}}to your Stripe account{{else}}by bank transfer{{/if}}.</p>
<p>It appears in your statement in the cabinet. Thank you for recommending us.</p>`,
);

/** Tells a referrer their payout was sent. Best effort: a mail failure never undoes a payout. */
@Injectable()
export class PayoutMailer {
  private readonly logger = new Logger('PayoutMailer');

  constructor(
    private readonly db: DataSource,
    private readonly mailer: MailerService,
  ) {}

  async payoutSent(item: { id: string; referrerId: string; amount: bigint; currency: string; method: string }): Promise<void> {
    try {
      const [who] = await this.db.query(`SELECT u.email, r.full_name FROM referrers r JOIN users u ON u.id = r.user_id WHERE r.id = $1`, [item.referrerId]);
      if (!who) return;
      const amount = formatMoney('en', item.amount, item.currency.trim());
      const stripe = item.method === 'stripe_connect';
      await this.mailer.send({
        to: who.email,
        subject: `Payout sent: ${amount}`,
        html: html({ name: who.full_name, amount, stripe }),
        text: `Hello, ${who.full_name}!\n\nWe have sent you a payout of ${amount} ${stripe ? 'to your Stripe account' : 'by bank transfer'}.\nIt appears in your statement in the cabinet.\n`,
        headers: { 'X-Handshake-Payout-Item': item.id },
      });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, itemId: item.id }, 'payout notification not sent');
    }
  }
}
