import { Module } from '@nestjs/common';
import { PayoutsModule } from '../payouts/payouts.module';
import { AdjustmentsModule } from '../adjustments/adjustments.module';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProgramModule } from '../program/program.module';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { FinanceAdjustmentsPagesController } from './finance-adjustments-pages.controller';
import { FinanceAdjustmentsService } from './finance-adjustments.service';
import { FinanceAuditPageService } from './finance-audit-page.service';
import { FinanceAuditPagesController } from './finance-audit-pages.controller';
import { FinanceConsolePagesController } from './finance-console-pages.controller';
import { FinanceReconciliationPageService } from './finance-reconciliation-page.service';
import { FinanceReconciliationPagesController } from './finance-reconciliation-pages.controller';
import { FinanceConsoleRepository } from './finance-console.repository';
import { FinanceConsoleService } from './finance-console.service';

/** Finance's pages beyond payouts: the dashboard, adjustments, the audit log, reconciliation. */
@Module({
  imports: [AdjustmentsModule, FinanceAuditModule, LedgerModule, ProgramModule, ReconciliationModule, ReferrersModule, PayoutsModule],
  controllers: [FinanceConsolePagesController, FinanceAdjustmentsPagesController, FinanceAuditPagesController, FinanceReconciliationPagesController],
  providers: [FinanceConsoleService, FinanceConsoleRepository, FinanceAdjustmentsService, FinanceAuditPageService, FinanceReconciliationPageService],
})
export class FinanceConsoleModule {}
