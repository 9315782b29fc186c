import { Injectable, Logger } from '@nestjs/common';
import { MailDelivery } from '../mail/mailer.service';
import { NotificationService } from '../mail/notifications.service';

/**
 * Tells a payee (a referrer, or an exchange member as a partner company) its payout was sent: settling an item queues the notification in the
 * settlement's transaction; this delivers it right after the commit. Best effort: a mail failure
 * never undoes a payout (the notification job retries).
 */
@Injectable()
export class PayoutMailer {
  private readonly logger = new Logger('PayoutMailer');

  constructor(private readonly notifications: NotificationService) {}

  /** Where the message went (smtp or the outbox), or null when it could not be sent yet. */
  async payoutSent(item: { id: string }): Promise<MailDelivery | null> {
    try {
      await this.notifications.deliverDue();
      return await this.notifications.deliveryOf(`payout-sent:${item.id}:`);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, itemId: item.id }, 'payout notification not sent');
      return null;
    }
  }
}
