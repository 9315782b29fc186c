import { EventsModule } from '../events/events.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { MailModule } from '../mail/mail.module';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';
import { ProgramModule } from '../program/program.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { BankExportService } from './bank-export.service';
import { PayoutBatch } from './payout-batch.entity';
import { PayoutExecutor } from './payout-executor.service';
import { PayoutItem } from './payout-item.entity';
import { PayoutMailer } from './payout-mailer';
import { PayoutsController } from './payouts.controller';
import { PayoutsPagesController } from './payouts-pages.controller';
import { PayoutsService } from './payouts.service';
import { PayeesRepository } from './payees.repository';
import { StripeModule } from '../stripe/stripe.module';
import { LedgerModule } from '../ledger/ledger.module';

@Module({
  imports: [EventsModule, LedgerModule, StripeModule, TypeOrmModule.forFeature([PayoutBatch, PayoutItem]), FinanceAuditModule, PayoutDetailsModule, ProgramModule, MailModule, ReferrersModule],
  controllers: [PayoutsController, PayoutsPagesController],
  providers: [PayoutsService, PayoutExecutor, BankExportService, PayoutMailer, PayeesRepository],
  exports: [PayoutsService, PayoutExecutor, PayeesRepository],
})
export class PayoutsModule {}
