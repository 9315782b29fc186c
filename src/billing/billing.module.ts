import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingAccount } from './billing-account.entity';
import { BillingService } from './billing.service';

/** Stripe customers, coupons, subscriptions and invoices of suppliers. */
@Module({
  imports: [TypeOrmModule.forFeature([BillingAccount])],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}
