import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException } from '../common/errors/domain.exception';
import { localizedErrorMessage } from '../common/errors/errors.messages';
import { ViewService } from '../web/view.service';
import { AuthUser, Public, SESSION_COOKIE } from '../access/access.decorators';
import { sessionMeta } from './auth.controller';
import { AuthService } from './auth.service';
import { PasswordResetService } from './password-reset.service';
import { pickLocale } from '../i18n/messages';
import { WebLocalAuthGuard } from './local-auth.guard';
import { safeNext } from './safe-next';
import { TwoFactorService } from './two-factor/two-factor.service';


@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Get('login')
  @Public()
  loginPage(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    this.views.render('login', req, res, { title: this.views.t(req, 'login.title'), next });
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(WebLocalAuthGuard)
  async login(@Req() req: Request & { user?: AuthUser; authError?: unknown }, @Res() res: Response, @Body() body: Record<string, string>): Promise<void> {
    if (!req.user) {
      const err = req.authError;
      const email = typeof body.email === 'string' ? body.email : undefined;
      if (err instanceof DomainException && err.httpStatus !== 401) {
        const retryAfter = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
        const message = localizedErrorMessage(req, err.code, err.message, err.details);
        this.views.render('login', req, res, { error: { code: err.code, message }, email, next: body.next, user: undefined }, err.httpStatus);
        return;
      }
      this.views.render('login', req, res, { error: { code: 'INVALID_CREDENTIALS', message: this.views.t(req, 'login.failed') }, email, next: body.next, user: undefined }, 401);
      return;
    }
    if (await this.twoFactor.isEnrolled(req.user.id)) {
      // The password was right: the second step asks for the code before any session exists.
      this.views.render('login-two-factor', req, res, { title: this.views.t(req, 'twoFactor.login.title'), challenge: this.twoFactor.challengeFor(req.user.id), next: body.next, user: undefined });
      return;
    }
    const token = await this.auth.issueToken(req.user, { ...sessionMeta(req), signIn: true });
    res.cookie(SESSION_COOKIE, token.accessToken, this.auth.sessionCookieOptions());
    res.redirect(303, this.twoFactor.isRequiredFor(req.user.role) ? '/account/two-factor' : safeNext(body.next, req.user.role));
  }

  @Get('reset-password')
  @Public()
  resetPage(@Req() req: Request, @Res() res: Response, @Query('token') token?: string): void {
    this.views.render('reset-password', req, res, { title: this.views.t(req, 'reset.title'), token: typeof token === 'string' ? token : undefined });
  }

  @Post('reset-password')
  @Public()
  @HttpCode(200)
  async requestReset(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const title = this.views.t(req, 'reset.title');
    if (typeof body.email !== 'string' || !body.email.includes('@') || body.email.length > 320) {
      this.views.render('reset-password', req, res, { title, error: { code: 'VALIDATION_FAILED', message: this.views.t(req, 'error.generic') } }, 400);
      return;
    }
    const locale = pickLocale(req.query?.lang, req.cookies?.lang, req.headers['accept-language']);
    await this.resets.request(body.email, locale, req.ip ?? 'unknown');
    this.views.render('reset-password', req, res, { title, sent: true, notice: this.views.t(req, 'reset.sent') });
  }

  @Post('reset-password/confirm')
  @Public()
  @HttpCode(200)
  async confirmReset(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const title = this.views.t(req, 'reset.title');
    const token = typeof body.token === 'string' ? body.token : '';
    try {
      await this.resets.confirm(token, typeof body.newPassword === 'string' ? body.newPassword : '');
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      const message = localizedErrorMessage(req, err.code, err.message, err.details);
      this.views.render('reset-password', req, res, { title, token: err.code === 'RESET_TOKEN_INVALID' ? undefined : token, error: { code: err.code, message } }, err.httpStatus);
      return;
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    this.views.render('reset-password', req, res, { title, sent: true, notice: this.views.t(req, 'reset.done') });
  }

  @Post('logout')
  @Public()
  async logout(@Req() req: Request & { user?: AuthUser }, @Res() res: Response): Promise<void> {
    await this.auth.endSession(req.user?.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }
}
