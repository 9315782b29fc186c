import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { ProgramModule } from '../program/program.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { CommissionService } from './commission.service';
import { EarningsPagesController } from './earnings-pages.controller';
import { EarningsController } from './earnings.controller';
import { EarningsService } from './earnings.service';
import { StripeModule } from '../stripe/stripe.module';
import { StripeWebhooksModule } from '../stripe-webhooks/stripe-webhooks.module';
import { LedgerModule } from '../ledger/ledger.module';
import { EventsModule } from '../events/events.module';

/** Commission on suppliers' payments (Stripe events → ledger), the hold release job, and the referrer's earnings. */
@Module({
  imports: [EventsModule, LedgerModule, StripeWebhooksModule, StripeModule, BillingModule, ProgramModule, ReferrersModule],
  controllers: [EarningsController, EarningsPagesController],
  providers: [CommissionService, EarningsService],
  exports: [CommissionService, EarningsService],
})
export class CommissionsModule {}
