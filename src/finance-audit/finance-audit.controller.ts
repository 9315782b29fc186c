import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { FinanceAuditQuery, FinanceAuditView } from './finance-audit.dto';
import { FinanceAuditService } from './finance-audit.service';

@ApiTags('finance')
@Controller('api/finance/audit')
export class FinanceAuditController {
  constructor(private readonly audit: FinanceAuditService) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'Finance audit log, newest first: who did what, when, before and after' })
  @ApiOkResponse({ type: [FinanceAuditView] })
  list(@Query() q: FinanceAuditQuery): Promise<FinanceAuditView[]> {
    return this.audit.list(q);
  }

  @Get('export.csv')
  @Roles(Role.Finance, Role.Admin)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The audit log as CSV (same filters)' })
  async export(@Query() q: FinanceAuditQuery, @Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.audit.csv(q);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="finance-audit.csv"' });
    return body;
  }
}
