import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { ProgramService } from '../program/program.service';
import { AdminConsoleService } from './admin-console.service';
import { AdminOfferService } from './admin-offer.service';
import { AdminSettingsService, SettingsForm } from './admin-settings.service';
import './admin-console.messages';

const HISTORY_PAGE = 30;
const EVENTS_SHOWN = 100;
const RETRY_RESULTS = ['processed', 'ignored', 'failed', 'dead_letter', 'received'];
const text = (v: unknown, max = 200): string => (typeof v === 'string' ? v.slice(0, max) : '');
const versionOf = (v: unknown): number | undefined => (typeof v === 'string' && /^\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : undefined);

/** The admin's console: the overview, program settings, the offer text, and Stripe events that failed. */
@ApiExcludeController()
@Controller('admin')
export class AdminConsolePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly console: AdminConsoleService,
    private readonly settings: AdminSettingsService,
    private readonly offer: AdminOfferService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async dashboard(@Req() req: Request, @Res() res: Response): Promise<void> {
    const d = await this.console.dashboard();
    this.views.render('admin-dashboard', req, res, {
      title: this.views.t(req, 'adminConsole.dashboard.title'),
      timeZone: d.timeZone,
      d: {
        ...d,
        thisMonth: { ...d.thisMonth, revenue: d.thisMonth.revenue.toString() },
        lastMonth: { ...d.lastMonth, revenue: d.lastMonth.revenue.toString() },
        pending: d.pending.toString(),
        available: d.available.toString(),
        payouts: { ...d.payouts, total: d.payouts.total.toString() },
        webhookProblems: d.webhooks.failed + d.webhooks.deadLetter,
        gaps: d.gaps.map((g) => ({ kind: g, key: `adminConsole.gap.${g}` })),
      },
    });
  }

  @Get('settings')
  @Roles(Role.Admin)
  async settingsPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const s = await this.program.settings();
    const notice = req.query.done === 'saved' ? this.views.t(req, 'adminConsole.settings.saved') : undefined;
    await this.renderSettings(req, res, this.settings.formOf(s, this.views.locale(req)), {}, notice);
  }

  @Post('settings')
  @Roles(Role.Admin)
  async saveSettings(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>, @CurrentUser() user: AuthUser): Promise<void> {
    const form = this.settings.typed(body);
    const result = await this.settings.save(form, user.id, this.views.locale(req));
    if (result.ok) {
      res.redirect(303, '/admin/settings?done=saved');
      return;
    }
    await this.renderSettings(req, res, form, result.fieldErrors, undefined, result.status);
  }

  private async renderSettings(req: Request, res: Response, form: SettingsForm, fieldErrors: Partial<Record<keyof SettingsForm, string>>, notice?: string, status = 200): Promise<void> {
    const locale = this.views.locale(req);
    const pageNo = pageNumber(req.query.page);
    const [s, history] = await Promise.all([this.program.settings(), this.settings.history(locale, HISTORY_PAGE, (pageNo - 1) * HISTORY_PAGE)]);
    const invalid = Object.keys(fieldErrors).length > 0;
    this.views.render(
      'admin-settings',
      req,
      res,
      {
        title: this.views.t(req, 'adminConsole.settings.title'),
        timeZone: s.timeZone,
        form,
        unlimited: form.commissionLimit === 'unlimited',
        bonusInstead: form.bonusMode === 'instead',
        fieldErrors,
        error: invalid ? { code: 'VALIDATION_FAILED', message: '' } : undefined,
        notice,
        history: history.rows,
        total: history.total,
        prev: pageNo > 1 ? `/admin/settings?page=${pageNo - 1}#history` : null,
        next: pageNo * HISTORY_PAGE < history.total ? `/admin/settings?page=${pageNo + 1}#history` : null,
        currencyNow: s.currency.trim(),
      },
      status,
    );
  }

  @Get('offer')
  @Roles(Role.Admin)
  async offerPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const published = versionOf(req.query.published);
    await this.renderOffer(req, res, undefined, {}, published ? this.views.t(req, 'adminConsole.offer.published', { version: published }) : undefined);
  }

  @Post('offer')
  @Roles(Role.Admin)
  async publishOffer(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>, @CurrentUser() user: AuthUser): Promise<void> {
    const typed = text(body.text, 100_001);
    try {
      const v = await this.offer.publish(typed, user.id);
      res.redirect(303, `/admin/offer?published=${v.version}`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderOffer(req, res, typed, { error }, undefined, status);
    }
  }

  private async renderOffer(req: Request, res: Response, typed: string | undefined, extra: Record<string, unknown>, notice?: string, status = 200): Promise<void> {
    const p = await this.offer.page();
    const error = extra.error as { code: string } | undefined;
    const fieldError = error ? this.views.t(req, error.code === 'VALIDATION_FAILED' ? 'adminConsole.offer.err.length' : `errors.${error.code}`) : undefined;
    this.views.render(
      'admin-offer',
      req,
      res,
      {
        title: this.views.t(req, 'adminConsole.offer.title'),
        timeZone: await this.program.timeZone(),
        current: p.current,
        text: typed ?? p.current.text,
        fieldError,
        error: error ? { code: error.code, message: '' } : undefined,
        notice,
        versions: p.versions.map((v, i) => ({ ...v, current: i === 0, previous: p.versions[i + 1]?.version ?? null })),
      },
      status,
    );
  }

  @Get('offer/diff')
  @Roles(Role.Admin)
  async offerDiff(@Req() req: Request, @Res() res: Response): Promise<void> {
    const from = versionOf(req.query.from);
    const to = versionOf(req.query.to);
    const { diff, versions } = await this.offer.diff(from, to);
    const chosenFrom = diff?.from.version ?? from;
    const chosenTo = diff?.to.version ?? to;
    this.views.render(
      'admin-offer-diff',
      req,
      res,
      {
        title: diff ? this.views.t(req, 'adminConsole.diff.heading', { from: diff.from.version, to: diff.to.version }) : this.views.t(req, 'adminConsole.diff.title'),
        timeZone: await this.program.timeZone(),
        diff,
        same: diff ? diff.from.version === diff.to.version : false,
        unchanged: diff ? diff.added === 0 && diff.removed === 0 : false,
        fromOptions: versions.map((v) => ({ value: String(v), label: this.views.t(req, 'adminConsole.diff.version', { version: v }), selected: v === chosenFrom })),
        toOptions: versions.map((v) => ({ value: String(v), label: this.views.t(req, 'adminConsole.diff.version', { version: v }), selected: v === chosenTo })),
      },
      diff ? 200 : 404,
    );
  }

  @Get('stripe-events')
  @Roles(Role.Admin)
  async stripeEvents(@Req() req: Request, @Res() res: Response): Promise<void> {
    const events = await this.console.problemEvents(EVENTS_SHOWN);
    const result = text(req.query.result, 20);
    const event = text(req.query.event, 255);
    const notice = RETRY_RESULTS.includes(result) && /^[A-Za-z0-9_-]{1,255}$/.test(event) ? this.views.t(req, `adminConsole.events.retried.${result}`, { id: event }) : undefined;
    const ok = result === 'processed' || result === 'ignored';
    this.views.render('admin-stripe-events', req, res, {
      title: this.views.t(req, 'adminConsole.events.title'),
      timeZone: await this.program.timeZone(),
      notice: ok ? notice : undefined,
      warning: ok ? undefined : notice,
      failed: events.failed,
      deadLetters: events.deadLetters,
      counts: events.counts,
      shown: EVENTS_SHOWN,
      moreFailed: events.counts.failed > events.failed.length,
      moreDead: events.counts.deadLetter > events.deadLetters.length,
    });
  }

  @Post('stripe-events/:id/retry')
  @Roles(Role.Admin)
  async retryEvent(@Res() res: Response, @Param('id') id: string): Promise<void> {
    const after = await this.console.retryEvent(id);
    res.redirect(303, `/admin/stripe-events?${new URLSearchParams({ event: after.id, result: after.status }).toString()}`);
  }
}
