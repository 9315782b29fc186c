import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ReferrerService } from '../referrers/referrer.service';
import { EarningsView, ReferredSupplierView, StatementLineView } from './earnings.dto';
import { EarningsService } from './earnings.service';

@ApiTags('referrers')
@Controller('api/referrers/me')
export class EarningsController {
  constructor(
    private readonly earnings: EarningsService,
    private readonly referrers: ReferrerService,
  ) {}

  @Get('suppliers')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Suppliers who signed up with your code and their state (signed up, subscribed, paying, cancelled)' })
  @ApiOkResponse({ type: [ReferredSupplierView] })
  async suppliers(@CurrentUser() user: AuthUser): Promise<ReferredSupplierView[]> {
    return this.earnings.suppliers(await this.referrers.referrerIdOfUser(user.id));
  }

  @Get('earnings')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Your balances: pending (in hold), available (payable), disputed, in transit, paid' })
  @ApiOkResponse({ type: [EarningsView] })
  async balances(@CurrentUser() user: AuthUser): Promise<EarningsView[]> {
    return this.earnings.earnings(await this.referrers.referrerIdOfUser(user.id));
  }

  @Get('statement')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Every ledger movement on your balances with its cause, newest first' })
  @ApiQuery({ name: 'currency', required: false, description: 'ISO 4217 (default: the program currency)' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1–1000 (default 100)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Rows to skip (default 0)' })
  @ApiOkResponse({ type: [StatementLineView] })
  async statement(@CurrentUser() user: AuthUser, @Query('currency') currency?: string, @Query('limit') limit?: string, @Query('offset') offset?: string): Promise<StatementLineView[]> {
    const size = Math.min(Math.max(Number.parseInt(limit ?? '100', 10) || 100, 1), 1000);
    const cur = currency && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : undefined;
    return this.earnings.statement(await this.referrers.referrerIdOfUser(user.id), cur, size, Math.max(Number.parseInt(offset ?? '0', 10) || 0, 0));
  }
}
