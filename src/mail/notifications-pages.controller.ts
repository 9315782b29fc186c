import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/access.decorators';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ViewService } from '../web/view.service';
import './mail.messages';
import { NotificationService, verifyKindUnsubscribe } from './notifications.service';

/** "Stop emails of this kind" from a notification's footer: GET shows a page, POST (also RFC 8058 one-click) turns it off. */
@ApiExcludeController()
@Controller('notifications/unsubscribe')
export class NotificationsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':token')
  @Public()
  confirm(@Req() req: Request, @Res() res: Response, @Param('token') token: string): void {
    const target = verifyKindUnsubscribe(this.config.trackingSecret, token);
    const title = this.views.t(req, 'mail.notify.unsub.title');
    if (!target) return this.views.render('notification-unsubscribe', req, res, { title, invalid: true }, 404);
    this.views.render('notification-unsubscribe', req, res, { title, token, kindLabel: this.views.t(req, `mail.notify.kind.${target.kind}`) });
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  async unsubscribe(@Req() req: Request, @Res() res: Response, @Param('token') token: string): Promise<void> {
    const target = verifyKindUnsubscribe(this.config.trackingSecret, token);
    const title = this.views.t(req, 'mail.notify.unsub.title');
    if (!target) return this.views.render('notification-unsubscribe', req, res, { title, invalid: true }, 404);
    await this.notifications.setEnabled(target.userId, target.kind, false);
    this.views.render('notification-unsubscribe', req, res, { title, done: true, kindLabel: this.views.t(req, `mail.notify.kind.${target.kind}`) });
  }
}
