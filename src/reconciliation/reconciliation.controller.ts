import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ReconciliationPeriodQuery, ReconciliationView } from './reconciliation.dto';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('finance')
@Controller('api/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'Ledger vs Stripe for a period: invoices paid vs commissions, transfers vs payouts; every difference' })
  @ApiOkResponse({ type: ReconciliationView })
  run(@Query() q: ReconciliationPeriodQuery, @CurrentUser() user: AuthUser): Promise<ReconciliationView> {
    return this.reconciliation.run(q.from, q.to, user);
  }

  @Get('commissions.csv')
  @Roles(Role.Finance, Role.Admin)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Commission movements of the period (accruals, refunds, disputes) as CSV' })
  async commissions(@Query() q: ReconciliationPeriodQuery, @Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.reconciliation.commissionsCsv(q.from, q.to);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="commissions.csv"' });
    return body;
  }

  @Get('payouts.csv')
  @Roles(Role.Finance, Role.Admin)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Payout items paid or failed in the period as CSV' })
  async payouts(@Query() q: ReconciliationPeriodQuery, @Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.reconciliation.payoutsCsv(q.from, q.to);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="payouts.csv"' });
    return body;
  }
}
