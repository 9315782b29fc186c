import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { formatDate } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { ViewService } from '../web/view.service';
import { FAILED_ITEMS_DAYS, FinanceConsoleService } from './finance-console.service';
import { monthPeriod, monthText } from '../common/zoned-dates';
import './finance-console.messages';
import '../payouts/payouts.messages';

/** Finance's pages beyond the payout console. */
@ApiExcludeController()
@Controller('finance')
export class FinanceConsolePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly console: FinanceConsoleService,
    private readonly program: ProgramService,
  ) {}

  /** What needs action: batches to approve or execute, failed payments, negative balances, reconciliation. */
  @Get()
  @Roles(Role.Finance, Role.Admin)
  async dashboard(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const timeZone = await this.program.timeZone();
    const d = await this.console.dashboard(user, timeZone);
    const [y, m] = d.reconciliation.month;
    const locale = this.views.locale(req);
    const period = monthPeriod(y, m, timeZone);
    this.views.render('finance-dashboard', req, res, {
      title: this.views.t(req, 'finance.dashboard.title'),
      timeZone,
      d: {
        ...d,
        toApprove: d.toApprove.map((b) => ({ ...b, total: b.total.toString() })),
        toExecute: d.toExecute.map((b) => ({ ...b, total: b.total.toString(), statusKey: `payouts.status.${b.status}` })),
        failed: { count: d.failed.count, rows: d.failed.rows.map((r) => ({ ...r, amount: r.amount.toString() })) },
        negative: d.negative.map((n) => ({ ...n, balance: n.balance.toString() })),
        negativeTotal: d.negativeTotal.toString(),
      },
      failedDays: FAILED_ITEMS_DAYS,
      month: { label: formatDate(locale, period.from, 'month', timeZone), value: monthText(y, m) },
    });
  }
}
