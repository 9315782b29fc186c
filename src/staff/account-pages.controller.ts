import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles, SESSION_COOKIE } from '../access/access.decorators';
import { ALL_ROLES } from '../access/role';
import { sessionMeta } from '../auth/auth.controller';
import { AuthService } from '../auth/auth.service';
import { DomainException } from '../common/errors/domain.exception';
import { localizedErrorMessage } from '../common/errors/errors.messages';
import { ViewService } from '../web/view.service';
import './staff.messages';

/** Every signed-in person's account page: change the password (other sessions end), links to two-factor and notifications. */
@ApiExcludeController()
@Controller('account/password')
export class AccountPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
  page(@Req() req: Request, @Res() res: Response): void {
    this.render(req, res, { notice: req.query.done === 'changed' ? this.views.t(req, 'account.password.done') : undefined });
  }

  @Post()
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  async change(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>): Promise<void> {
    const current = typeof body?.currentPassword === 'string' ? body.currentPassword.slice(0, 200) : '';
    const next = typeof body?.newPassword === 'string' ? body.newPassword.slice(0, 201) : '';
    try {
      // Every session of the account ends; this browser gets a fresh one.
      await this.auth.changePassword(user, current, next);
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      const message = localizedErrorMessage(req, err.code, err.message, err.details);
      const field = (err.details as { field?: string } | undefined)?.field;
      const retryAfter = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
      const shown = field === 'currentPassword' ? { currentError: message } : field === 'password' ? { newError: message } : { error: { code: err.code, message } };
      this.render(req, res, shown, err.httpStatus);
      return;
    }
    const token = await this.auth.issueToken(user, sessionMeta(req));
    res.cookie(SESSION_COOKIE, token.accessToken, this.auth.sessionCookieOptions());
    res.redirect(303, '/account/password?done=changed');
  }

  private render(req: Request, res: Response, ctx: Record<string, unknown>, status = 200): void {
    this.views.render('account-password', req, res, { title: this.views.t(req, 'account.password.title'), ...ctx }, status);
  }
}
