import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingAccount } from './billing-account.entity';
import { BillingService } from './billing.service';
import { StripeModule } from '../stripe/stripe.module';
import { StripeWebhooksModule } from '../stripe-webhooks/stripe-webhooks.module';

/** Stripe customers, coupons, subscriptions and invoices of suppliers. */
@Module({
  imports: [StripeWebhooksModule, StripeModule, TypeOrmModule.forFeature([BillingAccount])],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}
