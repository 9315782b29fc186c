import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { EventsModule } from './events/events.module';
import { JobsModule } from './jobs/jobs.module';
import { LedgerModule } from './ledger/ledger.module';
import { StripeModule } from './stripe/stripe.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics';
import { ProgramModule } from './program/program.module';
import { PromoCodesModule } from './promo-codes/promo-codes.module';
import { ReferrersModule } from './referrers/referrers.module';
import { SplitsModule } from './splits/splits.module';
import { WebModule } from './web/web.module';
import { ExchangeModule } from './exchange/exchange.module';
import { SuppliersModule } from './suppliers/suppliers.module';
import { BillingModule } from './billing/billing.module';
import { StripeWebhooksModule } from './stripe-webhooks/stripe-webhooks.module';
import { CommissionsModule } from './commissions/commissions.module';
import { PayoutDetailsModule } from './payout-details/payout-details.module';
import { PayoutsModule } from './payouts/payouts.module';
import { FinanceAuditModule } from './finance-audit/finance-audit.module';
import { FinanceConsoleModule } from './finance-console/finance-console.module';
import { AdjustmentsModule } from './adjustments/adjustments.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { MailModule } from './mail/mail.module';
import { SuppressionModule } from './suppression/suppression.module';
import { AudiencesModule } from './audiences/audiences.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { TrackingModule } from './tracking/tracking.module';
import { FunnelModule } from './funnel/funnel.module';
import { AdminPeopleModule } from './admin-people/admin-people.module';
import { ReferralLinksModule } from './referral-links/referral-links.module';
import { ReferrerDashboardModule } from './referrer-dashboard/referrer-dashboard.module';
import { SupplierHomeModule } from './supplier-home/supplier-home.module';
import { OutboundWebhooksModule } from './outbound-webhooks/outbound-webhooks.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { StaffModule } from './staff/staff.module';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { AdminConsoleModule } from './admin-console/admin-console.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, databaseUrl),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), autoLoadEntities: true }),
        EventsModule,
        JobsModule,
        LedgerModule,
        StripeModule,
        AuthModule,
        ProgramModule,
        SplitsModule,
        PromoCodesModule,
        ReferrersModule,
        WebModule,
        ExchangeModule,
        BillingModule,
        SuppliersModule,
        StripeWebhooksModule,
        CommissionsModule,
        FinanceAuditModule,
        PayoutDetailsModule,
        PayoutsModule,
        AdjustmentsModule,
        ReconciliationModule,
        FinanceConsoleModule,
        MailModule,
        SuppressionModule,
        AudiencesModule,
        CampaignsModule,
        TrackingModule,
        FunnelModule,
        AdminPeopleModule,
        ReferralLinksModule,
        ReferrerDashboardModule,
        SupplierHomeModule,
        OutboundWebhooksModule,
        ApiKeysModule,
        StaffModule,
        EmailVerificationModule,
        AdminConsoleModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
