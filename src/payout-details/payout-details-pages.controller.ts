import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ReferrerService } from '../referrers/referrer.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { BankDetailsDto } from './payout-details.dto';
import { PAYOUT_DETAILS_PAGE, PayoutDetailsService } from './payout-details.service';
import { PayeeKind } from './payout-details.entity';
import './payout-details.messages';

/** The referrer's payout details page in the cabinet. */
@ApiExcludeController()
@Controller('cabinet/payout-details')
export class PayoutDetailsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly details: PayoutDetailsService,
    private readonly referrers: ReferrerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stripe payouts are offered only when the operator configured Stripe; a referrer never sees the configuration gap. */
  private get stripeAvailable(): boolean {
    return Boolean(this.config.stripe.secretKey);
  }

  @Get()
  @Roles(Role.Referrer)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const notice = req.query.saved ? this.views.t(req, `payoutDetails.saved.${req.query.saved === 'connect' ? 'connect' : 'bank'}`) : undefined;
    await this.render(req, res, user, { notice });
  }

  @Post('bank')
  @Roles(Role.Referrer)
  async bank(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(BankDetailsDto, body);
      await this.details.setBank(await this.referrers.referrerIdOfUser(user.id), dto);
      res.redirect(303, '/cabinet/payout-details?saved=bank');
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, user, { error, form: { accountHolder: body.accountHolder, bankIdentifier: body.bankIdentifier } }, status);
    }
  }

  @Post('connect')
  @Roles(Role.Referrer)
  async connect(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    if (!this.stripeAvailable) {
      await this.render(req, res, user, { error: { code: 'STRIPE_NOT_CONFIGURED', message: '', messageKey: 'payoutDetails.connect.unavailable', fields: [] } }, 422);
      return;
    }
    try {
      const link = await this.details.startConnect(await this.referrers.referrerIdOfUser(user.id));
      res.redirect(303, link.onboardingUrl);
    } catch (err) {
      const { status, error } = pageError(err);
      const unavailable = error.code === 'STRIPE_NOT_CONFIGURED' || error.code === 'STRIPE_UNAVAILABLE';
      await this.render(req, res, user, { error: unavailable ? { ...error, messageKey: 'payoutDetails.connect.unavailable' } : error }, status);
    }
  }

  /**
   * Stripe sends the referrer here (a GET) when an onboarding link expired. A GET changes nothing:
   * the page says so and its "Continue Stripe onboarding" button POSTs for a new link.
   */
  @Get('connect/refresh')
  @Roles(Role.Referrer)
  async connectRefresh(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.render(req, res, user, { warning: this.views.t(req, 'payoutDetails.connect.expired') });
  }

  /** Back from Stripe's onboarding (a GET): the account's status arrives by Stripe's account.updated event. */
  @Get('connect/return')
  @Roles(Role.Referrer)
  async connectReturn(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.render(req, res, user, { notice: this.views.t(req, 'payoutDetails.connect.returned') });
  }

  private async render(req: Request, res: Response, user: AuthUser, ctx: Record<string, unknown>, status = 200): Promise<void> {
    const details = await this.details.view(await this.referrers.referrerIdOfUser(user.id));
    this.views.render('payout-details', req, res, { title: this.views.t(req, 'payoutDetails.title'), details, stripeAvailable: this.stripeAvailable, base: PAYOUT_DETAILS_PAGE[PayeeKind.Referrer], back: { href: '/cabinet', key: 'payoutDetails.back' }, form: {}, ...ctx }, status);
  }
}
