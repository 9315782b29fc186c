import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { ProgramModule } from '../program/program.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { CommissionService } from './commission.service';
import { EarningsPagesController } from './earnings-pages.controller';
import { EarningsController } from './earnings.controller';
import { EarningsService } from './earnings.service';

/** Commission on suppliers' payments (Stripe events → ledger), the hold release job, and the referrer's earnings. */
@Module({
  imports: [BillingModule, ProgramModule, ReferrersModule],
  controllers: [EarningsController, EarningsPagesController],
  providers: [CommissionService, EarningsService],
  exports: [CommissionService, EarningsService],
})
export class CommissionsModule {}
