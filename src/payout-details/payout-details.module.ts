import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReferrersModule } from '../referrers/referrers.module';
import { PayoutDetailsController } from './payout-details.controller';
import { PayoutDetails } from './payout-details.entity';
import { PayoutDetailsPagesController } from './payout-details-pages.controller';
import { PayoutDetailsService } from './payout-details.service';
import { StripeModule } from '../stripe/stripe.module';
import { StripeWebhooksModule } from '../stripe-webhooks/stripe-webhooks.module';

@Module({
  imports: [StripeWebhooksModule, StripeModule, TypeOrmModule.forFeature([PayoutDetails]), ReferrersModule],
  controllers: [PayoutDetailsController, PayoutDetailsPagesController],
  providers: [PayoutDetailsService],
  exports: [PayoutDetailsService],
})
export class PayoutDetailsModule {}
