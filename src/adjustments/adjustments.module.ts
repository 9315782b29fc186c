import { Module } from '@nestjs/common';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { ProgramModule } from '../program/program.module';
import { AdjustmentsController } from './adjustments.controller';
import { AdjustmentsService } from './adjustments.service';
import { LedgerModule } from '../ledger/ledger.module';

@Module({
  imports: [LedgerModule, FinanceAuditModule, ProgramModule],
  controllers: [AdjustmentsController],
  providers: [AdjustmentsService],
  exports: [AdjustmentsService],
})
export class AdjustmentsModule {}
