import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, ClientIp, CurrentUser, Public, Roles, SESSION_COOKIE } from '../access/access.decorators';
import { AuthService } from '../auth/auth.service';
import { Role } from '../access/role';
import { ProgramService } from '../program/program.service';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { ChangeSplitDto } from '../splits/split.dto';
import { SplitService } from '../splits/split.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { LedgerService } from '../ledger/ledger.service';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { payoutReadiness, PayoutReadiness } from '../payout-details/payout-readiness';
import '../payout-details/payout-details.messages';
import { RegisterReferrerDto } from './referrer.dto';
import { ReferrerService } from './referrer.service';

/** The referrer's web pages: sign-up and cabinet. They call the same services as the API. */
@ApiExcludeController()
@Controller()
export class ReferrerPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly referrers: ReferrerService,
    private readonly program: ProgramService,
    private readonly splits: SplitService,
    private readonly codes: PromoCodeService,
    private readonly auth: AuthService,
    private readonly moduleRef: ModuleRef,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Whether the referrer's available money can be paid and why not (no details, below the minimum).
   * PayoutDetailsService lives in a module that imports this one, so it is looked up at run time.
   */
  private async readiness(userId: string): Promise<PayoutReadiness> {
    const referrerId = await this.referrers.referrerIdOfUser(userId);
    const settings = await this.program.settings();
    const currency = settings.currency.trim();
    const [balances, details] = await Promise.all([this.ledger.balances(referrerId, currency), this.moduleRef.get(PayoutDetailsService, { strict: false }).view(referrerId)]);
    return payoutReadiness(currency, balances.available, BigInt(settings.payoutMinimum), details.usable);
  }

  @Get('register')
  @Public()
  async registerPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const offer = await this.program.currentOffer();
    const campaignToken = typeof req.query.c === 'string' ? req.query.c : undefined;
    this.views.render('register', req, res, { title: this.views.t(req, 'register.title'), offer, form: {}, campaignToken, user: undefined });
  }

  @Post('register')
  @Public()
  async register(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @ClientIp() ip: string): Promise<void> {
    try {
      const dto = await parseForm(RegisterReferrerDto, body);
      const result = await this.referrers.register(dto, { ip, userAgent: req.headers['user-agent'] });
      res.cookie(SESSION_COOKIE, result.accessToken, this.auth.sessionCookieOptions());
      res.redirect(303, '/cabinet');
    } catch (err) {
      const { status, error } = pageError(err);
      const offer = await this.program.currentOffer();
      const { password: _omit, ...form } = body;
      this.views.render('register', req, res, { title: this.views.t(req, 'register.title'), offer, form, campaignToken: body.campaignToken, error, user: undefined }, status);
    }
  }

  @Get('cabinet')
  @Roles(Role.Referrer)
  async cabinet(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const notice = req.query.saved === 'split' ? this.views.t(req, 'cabinet.splitSaved') : undefined;
    this.views.render('cabinet', req, res, { title: this.views.t(req, 'cabinet.title'), cabinet: await this.referrers.cabinetForUser(user.id), readiness: await this.readiness(user.id), notice });
  }

  @Post('cabinet/split')
  @Roles(Role.Referrer)
  async changeSplit(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(ChangeSplitDto, body);
      await this.splits.change(await this.referrers.referrerIdOfUser(user.id), dto.discountBp);
      res.redirect(303, '/cabinet?saved=split');
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('cabinet', req, res, { title: this.views.t(req, 'cabinet.title'), cabinet: await this.referrers.cabinetForUser(user.id), readiness: await this.readiness(user.id), error, form: body }, status);
    }
  }

  @Post('cabinet/code/pause')
  @Roles(Role.Referrer)
  async pause(@Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.codes.setPaused(await this.referrers.referrerIdOfUser(user.id), true);
    res.redirect(303, '/cabinet');
  }

  @Post('cabinet/code/resume')
  @Roles(Role.Referrer)
  async resume(@Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.codes.setPaused(await this.referrers.referrerIdOfUser(user.id), false);
    res.redirect(303, '/cabinet');
  }
}
