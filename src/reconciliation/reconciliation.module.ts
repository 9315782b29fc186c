import { Module } from '@nestjs/common';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationService } from './reconciliation.service';
import { StripeModule } from '../stripe/stripe.module';

@Module({
  imports: [StripeModule, FinanceAuditModule],
  controllers: [ReconciliationController],
  providers: [ReconciliationService],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
