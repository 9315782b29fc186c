import { Module } from '@nestjs/common';
import { CommissionsModule } from '../commissions/commissions.module';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { CommissionCheck } from './commission-check';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationService } from './reconciliation.service';
import { ProgramModule } from '../program/program.module';
import { StripeModule } from '../stripe/stripe.module';
import { TransferCheck } from './transfer-check';

@Module({
  imports: [StripeModule, FinanceAuditModule, CommissionsModule, LedgerModule, ProgramModule],
  controllers: [ReconciliationController],
  providers: [ReconciliationService, ReconciliationRepository, CommissionCheck, TransferCheck],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
