import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth/access.decorators';
import { Role } from '../auth/role';
import { ReferrerService } from '../referrers/referrer.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { BankDetailsDto } from './payout-details.dto';
import { PayoutDetailsService } from './payout-details.service';
import './payout-details.messages';

/** The referrer's payout details page in the cabinet. */
@ApiExcludeController()
@Controller('cabinet/payout-details')
export class PayoutDetailsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly details: PayoutDetailsService,
    private readonly referrers: ReferrerService,
  ) {}

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
    try {
      const link = await this.details.startConnect(await this.referrers.referrerIdOfUser(user.id));
      res.redirect(303, link.onboardingUrl);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, user, { error }, status);
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
    this.views.render('payout-details', req, res, { title: this.views.t(req, 'payoutDetails.title'), details, form: {}, ...ctx }, status);
  }
}
