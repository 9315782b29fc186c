import { Module } from '@nestjs/common';
import { StripeInboxService } from './stripe-inbox.service';
import { StripeWebhookController } from './stripe-webhook.controller';

/** POST /api/stripe/webhooks and the inbox behind it; handlers live in the features (StripeEventHandlers). */
@Module({
  controllers: [StripeWebhookController],
  providers: [StripeInboxService],
  exports: [StripeInboxService],
})
export class StripeWebhooksModule {}
