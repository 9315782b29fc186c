import { EventsModule } from '../events/events.module';
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AudiencesModule } from '../audiences/audiences.module';
import { JobsModule } from '../jobs/jobs.module';
import { AnalyticsController } from './analytics/analytics.controller';
import { AnalyticsService } from './analytics/analytics.service';
import { DealService } from './deals/deal.service';
import { FeeController } from './fees/fee.controller';
import { FeeService } from './fees/fee.service';
import { LeadController } from './leads/lead.controller';
import { LeadService } from './leads/lead.service';
import { MemberController } from './members/member.controller';
import { MemberService } from './members/member.service';
import { ExchangePagesController } from './pages/exchange-pages.controller';
import { MemberMoneyPagesController } from './pages/member-money-pages.controller';
import { NurtureService } from './nurture/nurture.service';
import { RoutingService } from './routing/routing.service';
import { ExchangeConfigController } from './exchange-config.controller';
import { RulesService } from './rules/rules.service';
import { ExchangeSettingsService } from './settings/settings.service';
import { TagService } from './tags/tag.service';
import { LedgerModule } from '../ledger/ledger.module';
import { PayoutsModule } from '../payouts/payouts.module';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';
import { ProgramModule } from '../program/program.module';
import { MailModule } from '../mail/mail.module';

/**
 * The lead exchange: member companies pass each other leads; each sales-ready lead is scored and
 * routed to exactly one member. LedgerService (referral fees) comes from the global LedgerModule.
 */
@Module({
  imports: [MailModule, EventsModule, LedgerModule, AuthModule, JobsModule, AudiencesModule, PayoutsModule, PayoutDetailsModule, ProgramModule],
  controllers: [MemberController, ExchangeConfigController, LeadController, AnalyticsController, ExchangePagesController, MemberMoneyPagesController, FeeController],
  providers: [RulesService, TagService, ExchangeSettingsService, MemberService, RoutingService, LeadService, DealService, FeeService, AnalyticsService, NurtureService],
  exports: [RoutingService, LeadService, MemberService, NurtureService],
})
export class ExchangeModule {}
