import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { ProgramModule } from '../program/program.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { CommissionService } from './commission.service';
import { EarningsPagesController } from './earnings-pages.controller';
import { EarningsController } from './earnings.controller';
import { EarningsService } from './earnings.service';
import { StatementContextService } from './statement-context.service';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';

/** Commission on suppliers' payments (Stripe events → ledger), the hold release job, and the referrer's earnings. */
@Module({
  imports: [BillingModule, ProgramModule, ReferrersModule, PayoutDetailsModule],
  controllers: [EarningsController, EarningsPagesController],
  providers: [CommissionService, EarningsService, StatementContextService],
  exports: [CommissionService, EarningsService],
})
export class CommissionsModule {}
