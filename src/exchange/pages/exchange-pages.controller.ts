import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, ClientIp, CurrentUser, Public, Roles, SESSION_COOKIE } from '../../access/access.decorators';
import { AuthService } from '../../auth/auth.service';
import { Role } from '../../access/role';
import { pageError, pageNumber, parseForm } from '../../web/form';
import { ViewService } from '../../web/view.service';
import { AnalyticsService } from '../analytics/analytics.service';
import { DealService } from '../deals/deal.service';
import { allowedNext, DealStatus } from '../deals/deal-status';
import { partnerDashboard } from '../deals/partner-dashboard';
import { FeeService } from '../fees/fee.service';
import '../fees/fee.messages';
import '../exchange.messages';
import './exchange-operator.messages';
import { DealStatusDto, DeclineDto, SubmitLeadDto } from '../leads/lead.dto';
import { LeadService } from '../leads/lead.service';
import { ApplyDto, MemberProfileDto, MemberStatusChangeDto, MemberStatusDto, RefuseMemberDto } from '../members/member.dto';
import { MemberService } from '../members/member.service';
import { RoutingService } from '../routing/routing.service';
import { ExchangeSettingsService } from '../settings/settings.service';
import { NewTagDto } from '../tags/tag.dto';
import { TagService } from '../tags/tag.service';
import { RulesService } from '../rules/rules.service';
import { dayText, daysPeriod, parseDay, startOfDay } from '../../common/zoned-dates';
import { ProgramService } from '../../program/program.service';
import { formatBasisPointsPercent, formatDate, formatMoney, formatRatio, minorToDecimalString } from '../../money/money-format';
import { parsePercentInput } from '../../money/percent-input';
import { ExchangeSettingsView, UpdateExchangeSettingsDto } from '../settings/settings.dto';
import { FEE_PAYERS } from '../fees/fee';
import { moneyInputExample, parseMoneyInput } from '../../money/money-input';

/**
 * Money typed in major units ("4 000 000", "75000,50") → the API's minor-unit string. Negatives pass
 * through so the exchange's own rule (BUDGET_NEGATIVE, with its field) refuses them; empty stays absent.
 */
function minorField(body: Record<string, string>, field: string, currency: string): string | undefined {
  const v = body[field];
  if (v === undefined || String(v).trim() === '') return undefined;
  return parseMoneyInput(v, currency, { allowNegative: true, field }).toString();
}

/** A decimal as a form shows it back: the Russian decimal comma. */
const localDecimal = (text: string, locale: string): string => (locale === 'ru' ? text.replace('.', ',') : text);

const list = (v: unknown): string[] =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The exchange's pages: join, the member's desk, the operator's desk and analytics. Same services as the API. */
@ApiExcludeController()
@Controller('exchange')
export class ExchangePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly auth: AuthService,
    private readonly rules: RulesService,
    private readonly members: MemberService,
    private readonly leads: LeadService,
    private readonly routing: RoutingService,
    private readonly deals: DealService,
    private readonly tags: TagService,
    private readonly settings: ExchangeSettingsService,
    private readonly analytics: AnalyticsService,
    private readonly fees: FeeService,
    private readonly program: ProgramService,
  ) {}

  @Get('join')
  @Public()
  async joinPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.views.render('exchange-join', req, res, { title: this.views.t(req, 'exchange.join.title'), rules: await this.rules.current(), form: {}, user: undefined });
  }

  @Post('join')
  @Public()
  async join(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @ClientIp() ip: string): Promise<void> {
    try {
      const dto = await parseForm(ApplyDto, body);
      const result = await this.members.apply(dto, { ip, userAgent: req.headers['user-agent'] });
      res.cookie(SESSION_COOKIE, result.accessToken, this.auth.sessionCookieOptions());
      res.redirect(303, '/exchange');
    } catch (err) {
      const { status, error } = pageError(err);
      const { password: _omit, ...form } = body;
      this.views.render('exchange-join', req, res, { title: this.views.t(req, 'exchange.join.title'), rules: await this.rules.current(), form, error, user: undefined }, status);
    }
  }

  @Get()
  @Roles(Role.Partner)
  async desk(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.renderDesk(req, res, user, { notice: typeof req.query.notice === 'string' ? req.query.notice : undefined });
  }

  @Post('profile')
  @Roles(Role.Partner)
  async profile(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    await this.act(req, res, user, async () => {
      const currency = (await this.settings.get()).currency;
      const dto = await parseForm(MemberProfileDto, { ...body, threshold: minorField(body, 'threshold', currency) ?? '', tags: list(body.tags), regions: list(body.regions) });
      await this.members.updateProfile((await this.members.memberOfUser(user.id)).id, dto);
      return this.views.t(req, 'exchange.member.saved');
    });
  }

  @Post('leads')
  @Roles(Role.Partner)
  async submit(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    await this.act(req, res, user, async () => {
      const currency = (await this.settings.get()).currency;
      const dto = await parseForm(SubmitLeadDto, { ...body, budget: minorField(body, 'budget', currency) ?? '', cost: minorField(body, 'cost', currency), tags: list(body.tags) });
      const lead = await this.leads.submit(dto, await this.leads.submitterFor(user), 'web');
      return this.views.t(req, 'exchange.lead.submitted', { score: lead.score, qualification: this.views.t(req, `exchange.qualification.${lead.qualification}`) });
    });
  }

  @Post('leads/:id/accept')
  @Roles(Role.Partner)
  async accept(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.act(req, res, user, async () => {
      await this.routing.accept(id, (await this.members.memberOfUser(user.id)).id, user.id);
    });
  }

  @Post('leads/:id/decline')
  @Roles(Role.Partner)
  async decline(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.act(req, res, user, async () => {
      const dto = await parseForm(DeclineDto, body);
      await this.routing.decline(id, (await this.members.memberOfUser(user.id)).id, dto.reason);
    });
  }

  @Post('leads/:id/status')
  @Roles(Role.Partner)
  async status(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.act(req, res, user, async () => {
      const currency = (await this.settings.get()).currency;
      const dto = await parseForm(DealStatusDto, { ...body, wonValue: minorField(body, 'wonValue', currency) });
      await this.deals.changeStatus(id, (await this.members.memberOfUser(user.id)).id, user.id, dto);
    });
  }

  @Get('admin')
  @Roles(Role.Admin)
  async admin(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderAdmin(req, res, {});
  }

  @Post('admin/members/:id/admit')
  @Roles(Role.Admin)
  async admit(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.adminAct(req, res, () => this.members.decide(id, true, user.id));
  }

  @Post('admin/members/:id/refuse')
  @Roles(Role.Admin)
  async refuse(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => this.members.decide(id, false, user.id, (await parseForm(RefuseMemberDto, body)).reason));
  }

  @Post('admin/members/:id/suspend')
  @Roles(Role.Admin)
  async suspend(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => this.members.changeStatus(id, 'suspend', user.id, (await parseForm(MemberStatusDto, body)).reason));
  }

  @Post('admin/members/:id/reinstate')
  @Roles(Role.Admin)
  async reinstate(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => this.members.changeStatus(id, 'reinstate', user.id, (await parseForm(MemberStatusDto, body)).reason));
  }

  /** Expelling closes the company's account: the first POST asks for confirmation, the confirmed one acts. */
  @Post('admin/members/:id/expel')
  @Roles(Role.Admin)
  async expel(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => this.expelOrConfirm(req, res, user, id, (await parseForm(MemberStatusDto, { reason: body.reason })).reason, body.confirm === 'yes'));
  }

  /** The desk's compact membership form: one select (suspend, reinstate, expel) and a reason; expelling still asks first. */
  @Post('admin/members/:id/status')
  @Roles(Role.Admin)
  async memberStatus(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => {
      const dto = await parseForm(MemberStatusChangeDto, { action: body.action, reason: body.reason });
      return dto.action === 'expel' ? this.expelOrConfirm(req, res, user, id, dto.reason, false) : this.members.changeStatus(id, dto.action, user.id, dto.reason);
    });
  }

  private async expelOrConfirm(req: Request, res: Response, user: AuthUser, id: string, reason: string, confirmed: boolean): Promise<unknown> {
    if (confirmed) return this.members.changeStatus(id, 'expel', user.id, reason);
    const member = await this.members.view(id);
    this.views.render('confirm', req, res, {
      title: this.views.t(req, 'exchange.admin.expel'),
      confirm: {
        heading: this.views.t(req, 'exchange.admin.expel'),
        question: this.views.t(req, 'exchange.admin.confirmExpel', { company: member.companyName }),
        detail: reason,
        action: `/exchange/admin/members/${id}/expel`,
        yes: this.views.t(req, 'exchange.admin.expel'),
        back: '/exchange/admin',
        fields: [{ name: 'reason', value: reason }],
      },
    });
    return CONFIRMING;
  }

  /** The referral fee settings, typed as people do (a percent, money in major units, who pays). */
  @Post('admin/settings')
  @Roles(Role.Admin)
  async saveSettings(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const currency = (await this.settings.get()).currency;
      const dto = await parseForm(UpdateExchangeSettingsDto, {
        feeKind: body.feeKind,
        feePayer: body.feePayer,
        feeBp: body.feePercent?.trim() ? String(parsePercentInput(body.feePercent, 'feePercent')) : undefined,
        feeFixed: minorField(body, 'feeFixed', currency),
      });
      await this.settings.update(dto, user.id);
      res.redirect(303, `/exchange/admin?saved=settings#fee-settings`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderAdmin(req, res, { error, settingsForm: body }, status);
    }
  }

  @Post('admin/tags')
  @Roles(Role.Admin)
  async addTag(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>): Promise<void> {
    await this.adminAct(req, res, async () => this.tags.create(await parseForm(NewTagDto, body)));
  }

  @Post('admin/route')
  @Roles(Role.Admin)
  async routeNow(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.adminAct(req, res, () => this.routing.routePending());
  }

  @Get('admin/analytics')
  @Roles(Role.Admin)
  async analyticsPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const locale = this.views.locale(req);
    const timeZone = await this.program.timeZone();
    const period = analyticsPeriod(req.query, timeZone);
    const report = await this.analytics.report({ from: period.from, to: period.toExclusive });
    const byReceiver = report.byReceiver.map((r) => ({
      ...r,
      answered: r.accepted + r.declined + r.expired,
      closed: r.won + r.lost,
      hoursToFirstContact: r.avgSecondsToFirstContact === null ? null : formatRatio(locale, Math.round(r.avgSecondsToFirstContact), 3600, 1),
    }));
    const shown =
      period.from || period.to
        ? this.views.t(req, 'exchange.period.shown', {
            from: period.from ? formatDate(locale, period.from, 'date', timeZone) : this.views.t(req, 'exchange.period.since'),
            to: period.to ? formatDate(locale, period.to, 'date', timeZone) : this.views.t(req, 'exchange.period.now'),
          })
        : null;
    this.views.render('exchange-analytics', req, res, { title: this.views.t(req, 'exchange.analytics.title'), timeZone, report: { ...report, byReceiver }, period: { ...period, shown } });
  }


  /** Runs a member action; success redirects back to the desk, a refusal re-renders it with the error. */
  private async act(req: Request, res: Response, user: AuthUser, action: () => Promise<string | void>): Promise<void> {
    try {
      const notice = await action();
      res.redirect(303, notice ? `/exchange?notice=${encodeURIComponent(notice)}` : '/exchange');
    } catch (err) {
      const { status, error } = pageError(err);
      const profile = req.path.endsWith('/profile');
      const statusOf = /\/leads\/([0-9a-f-]{36})\/status$/i.exec(req.path)?.[1];
      await this.renderDesk(req, res, user, { error, form: profile ? {} : req.body, profileForm: profile ? req.body : undefined, openLead: statusOf }, status);
    }
  }

  private async adminAct(req: Request, res: Response, action: () => Promise<unknown>): Promise<void> {
    try {
      if ((await action()) === CONFIRMING) return;
      res.redirect(303, '/exchange/admin');
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderAdmin(req, res, { error }, status);
    }
  }

  private async renderDesk(req: Request, res: Response, user: AuthUser, extra: Record<string, unknown>, status = 200): Promise<void> {
    const memberId = (await this.members.memberOfUser(user.id, false)).id;
    const member = await this.members.view(memberId);
    const admitted = member.status === 'admitted';
    const [inbox, submitted, tags, settings] = admitted
      ? await Promise.all([this.leads.inbox(memberId), this.leads.submittedBy(memberId), this.tags.list(), this.settings.get()])
      : [[], [], [], await this.settings.get()];
    const fees = await this.fees.card(memberId);
    this.views.render(
      'exchange-member',
      req,
      res,
      {
        title: this.views.t(req, 'exchange.member.title'),
        member,
        admitted,
        memberTags: member.tags.join(', '),
        memberRegions: member.regions.join(', '),
        knownTags: tags.map((t) => t.slug).join(', '),
        authorities: Object.keys(settings.rules.authority),
        needs: Object.keys(settings.rules.need),
        inbox: inbox.map((l) => ({ ...l, offered: l.routingState === 'offered', next: l.dealStatus ? allowedNext(l.dealStatus as DealStatus) : [], detailsOpen: l.id === extra.openLead })),
        submitted,
        dashboard: partnerDashboard(inbox),
        fees,
        currency: settings.currency,
        amountExample: moneyInputExample(settings.currency, this.views.locale(req)),
        form: {},
        ...extra,
      },
      status,
    );
  }

  private async renderAdmin(req: Request, res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const filter = deskFilter(req.query);
    const [members, tags, page, stale, settings] = await Promise.all([
      this.members.list(),
      this.tags.list(),
      this.leads.page({ ...filter, limit: DESK_PAGE, offset: (filter.page - 1) * DESK_PAGE }),
      this.leads.stale(),
      this.settings.view(),
    ]);
    const first = page.total === 0 ? 0 : (filter.page - 1) * DESK_PAGE + 1;
    const last = Math.min(filter.page * DESK_PAGE, page.total);
    const link = (n: number) => `/exchange/admin?${new URLSearchParams({ ...filter.query, page: String(n) }).toString()}#leads`;
    this.views.render(
      'exchange-admin',
      req,
      res,
      {
        title: this.views.t(req, 'exchange.admin.title'),
        members: members.map((m) => ({ ...m, canSuspend: m.status === 'admitted', canReinstate: m.status === 'suspended', canExpel: m.status === 'admitted' || m.status === 'suspended' })),
        tags,
        leads: page.items,
        desk: {
          filter: filter.query,
          flagged: filter.flagged,
          qualifications: QUALIFICATIONS.map((v) => ({ value: v, selected: v === filter.qualification })),
          routingStates: ROUTING_STATES.map((v) => ({ value: v, selected: v === filter.routingState })),
          total: page.total,
          first,
          last,
          previous: filter.page > 1 ? link(filter.page - 1) : null,
          next: last < page.total ? link(filter.page + 1) : null,
        },
        stale,
        feeSettings: this.feeSettingsForm(req, settings, extra.settingsForm as Record<string, string> | undefined, (extra.error as { fields?: string[] } | undefined)?.fields),
        notice: req.query.saved === 'settings' ? this.views.t(req, 'exchange.settings.saved') : undefined,
        ...extra,
      },
      status,
    );
  }


  /** The fee settings in words and as a form (what was typed comes back after a refusal). */
  private feeSettingsForm(req: Request, s: ExchangeSettingsView, typed?: Record<string, string>, errorFields: string[] = []): Record<string, unknown> {
    const locale = this.views.locale(req);
    const kind = typed?.feeKind ?? s.feeKind;
    const payer = typed?.feePayer ?? s.feePayer;
    const fee =
      s.feeKind === 'percent'
        ? this.views.t(req, 'exchange.settings.fee.percent', { percent: formatBasisPointsPercent(locale, s.feeBp, 2, true) })
        : s.feeKind === 'fixed'
          ? this.views.t(req, 'exchange.settings.fee.fixed', { amount: formatMoney(locale, s.feeFixed, s.currency) })
          : this.views.t(req, 'exchange.settings.feeKind.none');
    return {
      summary: this.views.t(req, 'exchange.settings.now', { fee, payer: this.views.t(req, `exchange.settings.payerWords.${s.feePayer}`) }),
      currency: s.currency,
      kinds: ['none', 'percent', 'fixed'].map((v) => ({ value: v, label: this.views.t(req, `exchange.settings.feeKind.${v}`), selected: v === kind })),
      payers: [...FEE_PAYERS].map((v) => ({ value: v, label: this.views.t(req, `exchange.settings.feePayer.${v}`), selected: v === payer })),
      percent: typed?.feePercent ?? (s.feeBp ? localDecimal((s.feeBp / 100).toString(), locale) : ''),
      fixed: typed?.feeFixed ?? (s.feeFixed ? localDecimal(minorToDecimalString(BigInt(s.feeFixed), s.currency), locale) : ''),
      example: moneyInputExample(s.currency, locale),
      errors: Object.fromEntries(['feePercent', 'feeFixed'].filter((f) => errorFields.includes(f)).map((f) => [f, this.views.t(req, 'errors.field.invalid')])),
    };
  }

}

/** Returned by an admin action that rendered a confirmation page instead of acting. */
const CONFIRMING = Symbol('confirming');

const DESK_PAGE = 50;
const QUALIFICATIONS = ['sales_ready', 'nurture', 'disqualified'];
const ROUTING_STATES = ['pending', 'offered', 'accepted', 'with_operator', 'not_routed'];

/** The desk's filters from its query string; unknown values are ignored, the page is 1 or more. */
function deskFilter(query: Request['query']): { qualification?: string; routingState?: string; flagged: boolean; q?: string; page: number; query: Record<string, string> } {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);
  const qualification = QUALIFICATIONS.includes(text(query.qualification) ?? '') ? text(query.qualification) : undefined;
  const routingState = ROUTING_STATES.includes(text(query.routing) ?? '') ? text(query.routing) : undefined;
  const flagged = query.flagged === 'on' || query.flagged === 'true';
  const q = text(query.q);
  const page = pageNumber(query.page);
  const kept: Record<string, string> = {};
  if (qualification) kept.qualification = qualification;
  if (routingState) kept.routing = routingState;
  if (flagged) kept.flagged = 'on';
  if (q) kept.q = q;
  return { qualification, routingState, flagged, q, page, query: kept };
}

/**
 * The analytics page's period from its date inputs (YYYY-MM-DD, both ends inclusive as people read
 * them) in the program's time zone (UTC until the program has one). A malformed date is ignored.
 */
function analyticsPeriod(query: Request['query'], timeZone: string): { from: Date | null; to: Date | null; toExclusive: Date | null; fromText: string; toText: string } {
  const fromDay = parseDay(query.from);
  const toDay = parseDay(query.to);
  const from = fromDay ? startOfDay(...fromDay, timeZone) : null;
  const to = toDay ? startOfDay(...toDay, timeZone) : null;
  return { from, to, toExclusive: toDay ? daysPeriod(toDay, toDay, timeZone).to : null, fromText: fromDay ? dayText(fromDay) : '', toText: toDay ? dayText(toDay) : '' };
}
