import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { BankDetailsDto } from '../../payout-details/payout-details.dto';
import { PayeeKind } from '../../payout-details/payout-details.entity';
import { PAYOUT_DETAILS_PAGE, PayoutDetailsService } from '../../payout-details/payout-details.service';
import '../../payout-details/payout-details.messages';
import { pageError, parseForm } from '../../web/form';
import { ViewService } from '../../web/view.service';
import { describeMemberStatementLine } from '../fees/fee-statement';
import { FeeService } from '../fees/fee.service';
import '../fees/fee.messages';
import { MemberService } from '../members/member.service';

const BASE = PAYOUT_DETAILS_PAGE[PayeeKind.ExchangeMember];

/**
 * The partner company's money: its referral-fee statement and its payout details (the referrers'
 * payout-details service and page, with the member as the payee). Any member with an account may
 * look, also one suspended since: fees earned stay theirs.
 */
@ApiExcludeController()
@Controller('exchange')
export class MemberMoneyPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly members: MemberService,
    private readonly fees: FeeService,
    private readonly details: PayoutDetailsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('statement')
  @Roles(Role.Partner)
  async statement(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const memberId = (await this.members.memberOfUser(user.id, false)).id;
    const [statement, card] = await Promise.all([this.fees.statement(memberId), this.fees.card(memberId)]);
    const locale = this.views.locale(req);
    this.views.render('exchange-statement', req, res, {
      title: this.views.t(req, 'exchange.statement.title'),
      card,
      currency: statement.currency,
      lines: statement.lines.map((l) => ({ ...l, amount: l.amount.toString(), text: describeMemberStatementLine(locale, l, statement.currency) })),
    });
  }

  @Get('payout-details')
  @Roles(Role.Partner)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const notice = req.query.saved ? this.views.t(req, `payoutDetails.saved.${req.query.saved === 'connect' ? 'connect' : 'bank'}`) : undefined;
    await this.render(req, res, user, { notice });
  }

  @Post('payout-details/bank')
  @Roles(Role.Partner)
  async bank(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(BankDetailsDto, body);
      await this.details.setBank(await this.memberId(user), dto, PayeeKind.ExchangeMember);
      res.redirect(303, `${BASE}?saved=bank`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, user, { error, form: { accountHolder: body.accountHolder, bankIdentifier: body.bankIdentifier } }, status);
    }
  }

  @Post('payout-details/connect')
  @Roles(Role.Partner)
  async connect(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    if (!this.stripeAvailable) {
      await this.render(req, res, user, { error: { code: 'STRIPE_NOT_CONFIGURED', message: '', messageKey: 'payoutDetails.connect.unavailable', fields: [] } }, 422);
      return;
    }
    try {
      const link = await this.details.startConnect(await this.memberId(user), PayeeKind.ExchangeMember);
      res.redirect(303, link.onboardingUrl);
    } catch (err) {
      const { status, error } = pageError(err);
      const unavailable = error.code === 'STRIPE_NOT_CONFIGURED' || error.code === 'STRIPE_UNAVAILABLE';
      await this.render(req, res, user, { error: unavailable ? { ...error, messageKey: 'payoutDetails.connect.unavailable' } : error }, status);
    }
  }

  /** Stripe sends the member here (a GET) when an onboarding link expired; the page's button POSTs for a new one. */
  @Get('payout-details/connect/refresh')
  @Roles(Role.Partner)
  async connectRefresh(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.render(req, res, user, { warning: this.views.t(req, 'payoutDetails.connect.expired') });
  }

  /** Back from Stripe's onboarding (a GET): the account's status arrives by Stripe's account.updated event. */
  @Get('payout-details/connect/return')
  @Roles(Role.Partner)
  async connectReturn(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.render(req, res, user, { notice: this.views.t(req, 'payoutDetails.connect.returned') });
  }

  private get stripeAvailable(): boolean {
    return Boolean(this.config.stripe.secretKey);
  }

  private async memberId(user: AuthUser): Promise<string> {
    return (await this.members.memberOfUser(user.id, false)).id;
  }

  private async render(req: Request, res: Response, user: AuthUser, ctx: Record<string, unknown>, status = 200): Promise<void> {
    const details = await this.details.view(await this.memberId(user));
    this.views.render(
      'payout-details',
      req,
      res,
      {
        title: this.views.t(req, 'payoutDetails.title'),
        lead: this.views.t(req, 'exchange.payoutDetails.lead'),
        details,
        stripeAvailable: this.stripeAvailable,
        base: BASE,
        back: { href: '/exchange', key: 'exchange.statement.back' },
        form: {},
        ...ctx,
      },
      status,
    );
  }
}
