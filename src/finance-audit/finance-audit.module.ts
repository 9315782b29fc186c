import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgramModule } from '../program/program.module';
import { FinanceAuditController } from './finance-audit.controller';
import { FinanceAuditEntry } from './finance-audit.entity';
import { FinanceAuditService } from './finance-audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([FinanceAuditEntry]), ProgramModule],
  controllers: [FinanceAuditController],
  providers: [FinanceAuditService],
  exports: [FinanceAuditService],
})
export class FinanceAuditModule {}
