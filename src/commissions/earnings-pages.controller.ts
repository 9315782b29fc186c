import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth/access.decorators';
import { Role } from '../auth/role';
import { formatMoney } from '../money/money';
import { ReferrerService } from '../referrers/referrer.service';
import { ViewService } from '../web/view.service';
import { EarningsService } from './earnings.service';
import './commissions.messages';

/** The referrer's earnings page: referred suppliers, balances stated plainly, and the statement. */
@ApiExcludeController()
@Controller()
export class EarningsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly earnings: EarningsService,
    private readonly referrers: ReferrerService,
  ) {}

  @Get('cabinet/earnings')
  @Roles(Role.Referrer)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const referrerId = await this.referrers.referrerIdOfUser(user.id);
    const [suppliers, balances] = await Promise.all([this.earnings.suppliers(referrerId), this.earnings.earnings(referrerId)]);
    const currency = balances[0].currency;
    const statement = await this.earnings.statement(referrerId, currency, 200, 0);
    const money = (v: string, c: string) => formatMoney(BigInt(v), c);
    this.views.render('earnings', req, res, {
      title: this.views.t(req, 'commissions.title'),
      suppliers: suppliers.map((s) => ({ ...s, earnedText: money(s.earned, currency), stateKey: `commissions.state.${s.state}` })),
      balances: balances.map((b) => ({
        currency: b.currency,
        pending: money(b.pending, b.currency),
        available: money(b.available, b.currency),
        disputed: money(b.disputed, b.currency),
        inTransit: money(b.inTransit, b.currency),
        paid: money(b.paid, b.currency),
        negative: BigInt(b.available) < 0n,
      })),
      statement: statement.map((l) => ({ ...l, amountText: money(l.amount, currency), balanceText: money(l.balanceAfter, currency), accountKey: `commissions.account.${l.account}` })),
    });
  }
}
