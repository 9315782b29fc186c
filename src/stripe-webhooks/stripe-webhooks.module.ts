import { Module } from '@nestjs/common';
import { StripeEventHandlers } from './stripe-event-handlers';
import { StripeInboxService } from './stripe-inbox.service';
import { StripeWebhookController } from './stripe-webhook.controller';
import { StripeModule } from '../stripe/stripe.module';
import { LedgerModule } from '../ledger/ledger.module';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';

/** POST /api/stripe/webhooks and the inbox behind it; handlers live in the features (StripeEventHandlers). */
@Module({
  imports: [MailModule, JobsModule, LedgerModule, StripeModule],
  controllers: [StripeWebhookController],
  providers: [StripeInboxService, StripeEventHandlers],
  exports: [StripeInboxService, StripeEventHandlers],
})
export class StripeWebhooksModule {}
