import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, ClientIp, CurrentUser, Public, Roles, SESSION_COOKIE } from '../access/access.decorators';
import { AuthService } from '../auth/auth.service';
import { Role } from '../access/role';
import { ProgramService } from '../program/program.service';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { RegisterReferrerDto } from './referrer.dto';
import { ReferrerService } from './referrer.service';

/** The referrer's web pages: sign-up and the code's pause/resume (the cabinet page itself: referrer-dashboard). They call the same services as the API. */
@ApiExcludeController()
@Controller()
export class ReferrerPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly referrers: ReferrerService,
    private readonly program: ProgramService,
    private readonly codes: PromoCodeService,
    private readonly auth: AuthService,
  ) {}

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
