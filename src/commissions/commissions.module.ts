import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { ProgramModule } from '../program/program.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { AttributionModule } from '../suppliers/attribution.module';
import { CommissionFactsRepository } from './commission-facts.repository';
import { CommissionRepository } from './commission.repository';
import { CommissionService } from './commission.service';
import { CommissionSettler } from './commission-settler';
import { EarningsPagesController } from './earnings-pages.controller';
import { EarningsController } from './earnings.controller';
import { EarningsService } from './earnings.service';
import { StripeModule } from '../stripe/stripe.module';
import { StripeWebhooksModule } from '../stripe-webhooks/stripe-webhooks.module';
import { LedgerModule } from '../ledger/ledger.module';
import { EventsModule } from '../events/events.module';
import { StatementContextService } from './statement-context.service';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';
import { ExpectedCommissions } from './expected-commission';
import { PaymentLinks } from './payment-links';
import { RecordDispute } from './record-dispute';
import { RecordPayment } from './record-payment';
import { RecordRefund } from './record-refund';
import { RecordSubscriptionEnd } from './record-subscription-end';
import { ReleaseHolds } from './release-holds';
import { InvoiceRefunds } from './invoice-refunds';
import { BonusRepository } from './bonus.repository';

/** Commission on suppliers' payments (Stripe events → ledger), the hold release job, and the referrer's earnings. */
@Module({
  imports: [EventsModule, LedgerModule, StripeWebhooksModule, StripeModule, BillingModule, ProgramModule, ReferrersModule, AttributionModule, PayoutDetailsModule],
  controllers: [EarningsController, EarningsPagesController],
  providers: [
    CommissionService,
    CommissionRepository,
    CommissionFactsRepository,
    BonusRepository,
    CommissionSettler,
    PaymentLinks,
    RecordPayment,
    RecordRefund,
    RecordDispute,
    RecordSubscriptionEnd,
    ReleaseHolds,
    ExpectedCommissions,
    EarningsService,
    StatementContextService,
    InvoiceRefunds,
  ],
  exports: [CommissionService, ExpectedCommissions, EarningsService, StatementContextService, CommissionFactsRepository, InvoiceRefunds],
})
export class CommissionsModule {}
