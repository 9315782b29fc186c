import { Module } from '@nestjs/common';
import { FinanceAuditModule } from '../finance-audit/finance-audit.module';
import { ProgramModule } from '../program/program.module';
import { SplitsModule } from '../splits/splits.module';
import { AttributionController } from './attribution.controller';
import { AttributionRepository } from './attribution.repository';
import { AttributionService } from './attribution.service';

/**
 * Which attribution is in force for an invoice, and admin changes of it. A module of its own so the
 * commission code imports it (AttributionService.inForceAt) without importing the suppliers feature.
 */
@Module({
  imports: [ProgramModule, SplitsModule, FinanceAuditModule],
  controllers: [AttributionController],
  providers: [AttributionService, AttributionRepository],
  exports: [AttributionService],
})
export class AttributionModule {}
