import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException } from '../../common/errors/domain.exception';
import { localizedErrorMessage } from '../../common/errors/errors.messages';
import { ViewService } from '../../web/view.service';
import { AuthUser, CurrentUser, Public, Roles, SESSION_COOKIE } from '../../access/access.decorators';
import { sessionMeta } from '../auth.controller';
import { AuthService } from '../auth.service';
import { safeNext } from '../safe-next';
import { ALL_ROLES } from '../../access/role';
import { TwoFactorService } from './two-factor.service';
import './two-factor.messages';

/** A secret shown in groups of four, easier to type. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/** The account's two-factor page (set up, recovery codes, turn off) and the login form's second step. */
@ApiExcludeController()
@Controller()
export class TwoFactorPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Get('account/two-factor')
  @Roles(...ALL_ROLES)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const done = req.query.done === 'on' || req.query.done === 'off' ? this.views.t(req, `twoFactor.done.${req.query.done}`) : undefined;
    await this.render(req, res, user, { notice: done });
  }

  @Post('account/two-factor/setup')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  async setup(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const setup = await this.twoFactor.begin(user, this.views.brand());
      await this.render(req, res, user, { setup: { ...setup, secretGroups: grouped(setup.secret) } });
    } catch (err) {
      await this.renderError(req, res, user, err);
    }
  }

  @Post('account/two-factor/confirm')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  async confirm(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>): Promise<void> {
    try {
      const recoveryCodes = await this.twoFactor.confirm(user, body.totpCode);
      await this.render(req, res, user, { recoveryCodes });
    } catch (err) {
      const setup = await this.twoFactor.pending(user, this.views.brand());
      await this.renderError(req, res, user, err, setup ? { setup: { ...setup, secretGroups: grouped(setup.secret) } } : {});
    }
  }

  @Post('account/two-factor/disable')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  async disable(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>): Promise<void> {
    try {
      await this.twoFactor.disable(user, body.totpCode);
      res.redirect(303, '/account/two-factor?done=off');
    } catch (err) {
      await this.renderError(req, res, user, err);
    }
  }

  /** The login form's second step: the challenge from the password step plus a code. */
  @Post('login/two-factor')
  @Public()
  @HttpCode(200)
  async signIn(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    try {
      const user = await this.twoFactor.completeSignIn(body.challenge, body.totpCode);
      const token = await this.auth.issueToken(user, { ...sessionMeta(req), signIn: true });
      res.cookie(SESSION_COOKIE, token.accessToken, this.auth.sessionCookieOptions());
      res.redirect(303, safeNext(body.next, user.role));
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      const message = localizedErrorMessage(req, err.code, err.message, err.details);
      if (err.code === 'TWO_FACTOR_CHALLENGE_EXPIRED') {
        this.views.render('login', req, res, { title: this.views.t(req, 'login.title'), error: { code: err.code, message }, next: body.next, user: undefined }, err.httpStatus);
        return;
      }
      if (err.httpStatus === 429) {
        const retryAfter = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
      }
      const aboutCode = (err.details as { field?: string } | undefined)?.field === 'totpCode';
      this.views.render('login-two-factor', req, res, { title: this.views.t(req, 'twoFactor.login.title'), challenge: body.challenge, next: body.next, ...(aboutCode ? { fieldError: message } : { error: { code: err.code, message } }), user: undefined }, err.httpStatus);
    }
  }

  private async render(req: Request, res: Response, user: AuthUser, ctx: Record<string, unknown>, status = 200): Promise<void> {
    this.views.render('account-two-factor', req, res, { title: this.views.t(req, 'twoFactor.title'), status: await this.twoFactor.status(user), ...ctx }, status);
  }

  private async renderError(req: Request, res: Response, user: AuthUser, err: unknown, ctx: Record<string, unknown> = {}): Promise<void> {
    if (!(err instanceof DomainException)) throw err;
    const message = localizedErrorMessage(req, err.code, err.message, err.details);
    // An error about the code goes under the code field; anything else (too many attempts) on top.
    const aboutCode = (err.details as { field?: string } | undefined)?.field === 'totpCode';
    await this.render(req, res, user, { ...ctx, ...(aboutCode ? { fieldError: message } : { error: { code: err.code, message } }) }, err.httpStatus);
  }
}
