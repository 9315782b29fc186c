import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { IntegrationsPagesController } from './integrations-pages.controller';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookOutbox } from './webhook-outbox';
import { JobsModule } from '../jobs/jobs.module';

/** Outbound webhooks: the outbox written with each fact, signed ordered delivery, endpoints and their log. */
@Module({
  imports: [JobsModule, EventsModule, MailModule],
  controllers: [WebhookEndpointsController, IntegrationsPagesController],
  providers: [WebhookOutbox, WebhookDeliveryService, WebhookEndpointsService],
  exports: [WebhookEndpointsService, WebhookDeliveryService],
})
export class OutboundWebhooksModule {}
