import { Module } from '@nestjs/common';
import { CommissionsModule } from '../commissions/commissions.module';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';
import { ProgramModule } from '../program/program.module';
import { ReferralLinksModule } from '../referral-links/referral-links.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { SplitsModule } from '../splits/splits.module';
import { CabinetPagesController } from './cabinet-pages.controller';
import { ReferrerDashboardController } from './referrer-dashboard.controller';
import { ReferrerDashboardService } from './referrer-dashboard.service';

/** The referrer's dashboard figures: the cabinet page (figures first, then code, split, offer) and the API. */
@Module({
  imports: [CommissionsModule, EmailVerificationModule, PayoutDetailsModule, ProgramModule, ReferralLinksModule, ReferrersModule, SplitsModule],
  controllers: [ReferrerDashboardController, CabinetPagesController],
  providers: [ReferrerDashboardService],
  exports: [ReferrerDashboardService],
})
export class ReferrerDashboardModule {}
