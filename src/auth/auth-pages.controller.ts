import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { homeOf } from '../web/sections';
import { ViewService } from '../web/view.service';
import { AuthUser, Public, SESSION_COOKIE } from './access.decorators';
import { AuthService } from './auth.service';
import { WebLocalAuthGuard } from './local-auth.guard';
import { Role } from './role';

/** Only same-site relative paths are followed after login (never an open redirect). */
function safeNext(next: unknown, role: Role): string {
  if (typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next)) return next;
  return homeOf(role);
}

@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly auth: AuthService,
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
  login(@Req() req: Request & { user?: AuthUser }, @Res() res: Response, @Body() body: Record<string, string>): void {
    if (!req.user) {
      this.views.render('login', req, res, { error: { code: 'INVALID_CREDENTIALS', message: this.views.t(req, 'login.failed') }, email: body.email, next: body.next, user: undefined }, 401);
      return;
    }
    res.cookie(SESSION_COOKIE, this.auth.issueToken(req.user).accessToken, this.auth.sessionCookieOptions());
    res.redirect(303, safeNext(body.next, req.user.role));
  }

  @Post('logout')
  @Public()
  logout(@Res() res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }
}
