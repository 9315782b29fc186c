import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { Locale } from '../i18n/messages';
import { formatDate } from '../money/money-format';
import { ViewService } from '../web/view.service';
import './mail.messages';
import { OutboxService } from './outbox.service';

/**
 * The rendered HTML of a kept message is served on its own route with a CSP sandbox: no scripts,
 * no remote images (so the open pixel does not fire when an admin looks), no same-origin access.
 */
export const OUTBOX_HTML_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** A message's time in the program's zone (the page names it). */
function formatWhen(locale: Locale, d: Date, timeZone: string): string {
  return formatDate(locale, d, 'dateTime', timeZone);
}

/** Admin pages of the built-in outbox. */
@ApiExcludeController()
@Controller('admin/outbox')
export class OutboxPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly outbox: OutboxService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async list(@Req() req: Request, @Res() res: Response, @Query('q') q?: string, @Query('page') pageParam?: string): Promise<void> {
    const locale = this.views.locale(req);
    const search = typeof q === 'string' ? q.trim().slice(0, 200) : '';
    const page = /^\d{1,6}$/.test(pageParam ?? '') && Number(pageParam) > 0 ? Number(pageParam) : 1;
    const result = await this.outbox.list({ q: search || undefined, page });
    const pages = Math.max(1, Math.ceil(result.total / result.perPage));
    const qs = (p: number) => `?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(p) }).toString()}`;
    this.views.render('outbox', req, res, {
      title: this.views.t(req, 'mail.outbox.title'),
      search,
      smtpOn: result.delivery === 'smtp',
      total: result.total,
      items: result.items.map((m) => ({ ...m, iso: new Date(m.createdAt).toISOString(), when: formatWhen(locale, m.createdAt, this.views.timeZone()), kindLabel: this.views.t(req, `mail.kind.${m.kind}`) })),
      pageLabel: pages > 1 ? this.views.t(req, 'mail.outbox.page', { page, pages }) : '',
      newer: page > 1 ? qs(page - 1) : '',
      older: page < pages ? qs(page + 1) : '',
    });
  }

  @Get(':id')
  @Roles(Role.Admin)
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const m = await this.outbox.get(id);
    const locale = this.views.locale(req);
    this.views.render('outbox-message', req, res, {
      title: m.subject,
      message: { ...m, iso: new Date(m.createdAt).toISOString(), when: formatWhen(locale, m.createdAt, this.views.timeZone()), kindLabel: this.views.t(req, `mail.kind.${m.kind}`) },
      headers: Object.entries(m.headers).map(([name, value]) => ({ name, value })),
    });
  }

  @Get(':id/html')
  @Roles(Role.Admin)
  async html(@Res() res: Response, @Param('id') id: string): Promise<void> {
    const m = await this.outbox.get(id);
    res
      .status(200)
      .set('Content-Security-Policy', OUTBOX_HTML_CSP)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Referrer-Policy', 'no-referrer')
      .set('Cache-Control', 'private, no-store')
      .type('html')
      .send(m.html);
  }
}
