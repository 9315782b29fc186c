import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { formatDate } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { pageError } from '../web/form';
import { ViewService } from '../web/view.service';
import { FinanceReconciliationPageService, RECONCILIATION_MAX_MONTHS } from './finance-reconciliation-page.service';
import './finance-console.messages';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 20) : '');

/** The books against Stripe for chosen months: totals on both sides, each difference in a sentence, the CSV exports. Records nothing. */
@ApiExcludeController()
@Controller('finance/reconciliation')
export class FinanceReconciliationPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly reconciliation: FinanceReconciliationPageService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const timeZone = await this.program.timeZone();
    const locale = this.views.locale(req);
    const typed = { from: str(req.query.from), to: str(req.query.to) };
    try {
      const period = this.reconciliation.period(typed.from, typed.to, timeZone);
      const result = await this.reconciliation.page(period, locale, user.role as Role, timeZone);
      const first = formatDate(locale, period.from, 'month', timeZone);
      const last = formatDate(locale, new Date(period.to.getTime() - 1), 'month', timeZone);
      const query = `from=${period.from.toISOString()}&to=${period.to.toISOString()}`;
      this.views.render('finance-reconciliation', req, res, {
        title: this.views.t(req, 'finance.rec.title'),
        timeZone,
        form: { from: period.fromMonth, to: period.toMonth },
        periodLabel: first === last ? first : `${first} – ${last}`,
        maxMonths: RECONCILIATION_MAX_MONTHS,
        ...result,
        csv: { commissions: `/api/reconciliation/commissions.csv?${query}`, payouts: `/api/reconciliation/payouts.csv?${query}` },
      });
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('finance-reconciliation', req, res, { title: this.views.t(req, 'finance.rec.title'), timeZone, form: typed, maxMonths: RECONCILIATION_MAX_MONTHS, error, state: 'invalid' }, status);
    }
  }
}
