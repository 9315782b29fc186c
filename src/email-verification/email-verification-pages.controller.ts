import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError } from '../web/form';
import { ViewService } from '../web/view.service';
import { EmailVerificationService } from './email-verification.service';
import './email-verification.messages';

/**
 * The emailed link opens a page that asks to press a button (a GET changes nothing, so a mail
 * scanner that follows links confirms nobody); the button confirms. The referrer's cabinet asks
 * for the link again with POST /cabinet/verify-email.
 */
@ApiExcludeController()
@Controller()
export class EmailVerificationPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Get('verify-email/:token')
  @Public()
  page(@Req() req: Request, @Res() res: Response, @Param('token') token: string): void {
    const title = this.views.t(req, 'verifyEmail.title');
    try {
      const link = this.verification.check(token);
      this.views.render('verify-email', req, res, { title, token, email: link.email });
    } catch (err) {
      this.refuse(req, res, title, err);
    }
  }

  @Post('verify-email/:token')
  @Public()
  async confirm(@Req() req: Request, @Res() res: Response, @Param('token') token: string): Promise<void> {
    const title = this.views.t(req, 'verifyEmail.title');
    try {
      const { email } = await this.verification.confirm(token);
      this.views.render('verify-email', req, res, { title, done: true, email, signedIn: !!(req as Request & { user?: AuthUser }).user });
    } catch (err) {
      this.refuse(req, res, title, err);
    }
  }

  private refuse(req: Request, res: Response, title: string, err: unknown): void {
    const { status, error } = pageError(err);
    this.views.render('verify-email', req, res, { title, error }, status);
  }

  @Post('cabinet/verify-email')
  @Roles(Role.Referrer)
  async resend(@Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const sent = await this.verification.resend(user.id);
    res.redirect(303, `/cabinet?verify=${sent ? 'sent' : 'done'}`);
  }
}
