import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { payoutReadiness } from '../payout-details/payout-readiness';
import { ProgramService } from '../program/program.service';
import { ReferrerService } from '../referrers/referrer.service';
import { ViewService } from '../web/view.service';
import { EarningsService } from './earnings.service';
import { StatementContextService } from './statement-context.service';
import { statementEvents } from './statement-events';
import { describeStatementEvent } from './statement-text';
import './commissions.messages';

/** The referrer's earnings page: why money is (not) paid, balances stated plainly, referred suppliers, and the statement. */
@ApiExcludeController()
@Controller()
export class EarningsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly earnings: EarningsService,
    private readonly referrers: ReferrerService,
    private readonly contexts: StatementContextService,
    private readonly details: PayoutDetailsService,
    private readonly program: ProgramService,
  ) {}

  @Get('cabinet/earnings')
  @Roles(Role.Referrer)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const referrerId = await this.referrers.referrerIdOfUser(user.id);
    const [suppliers, balances, settings, details] = await Promise.all([
      this.earnings.suppliers(referrerId),
      this.earnings.earnings(referrerId),
      this.program.settings(),
      this.details.view(referrerId),
    ]);
    const currency = balances[0].currency;
    const lines = await this.earnings.statement(referrerId, currency, 200, 0);
    const events = statementEvents(lines, await this.contexts.forPostings(lines.map((l) => l.postingId)));
    const locale = this.views.locale(req);
    const timeZone = await this.program.timeZone();
    const program = balances.find((b) => b.currency === settings.currency.trim()) ?? balances[0];
    this.views.render('earnings', req, res, {
      title: this.views.t(req, 'commissions.title'),
      timeZone,
      currency,
      suppliers: suppliers.map((s) => ({ ...s, stateKey: `commissions.state.${s.state}`, hasBonus: BigInt(s.bonusAmount) > 0n, bonusInstead: BigInt(s.bonusAmount) > 0n && s.bonusMode === 'instead' })),
      balances: balances.map((b) => ({ ...b, negative: BigInt(b.available) < 0n })),
      readiness: payoutReadiness(program.currency, BigInt(program.available), BigInt(settings.payoutMinimum), details.usable),
      statement: events.map((e) => ({ ...e, text: describeStatementEvent(locale, e, currency, 'referrer', timeZone), balanceKey: `commissions.balanceName.${e.balance}` })),
    });
  }
}
