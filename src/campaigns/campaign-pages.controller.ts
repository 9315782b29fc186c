import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { parseLocalDateTime } from '../common/zoned-dates';
import { CreateCampaignDto, ScheduleCampaignDto, TestSendDto, UpdateCampaignDto } from './campaign.dto';
import { CampaignService } from './campaign.service';
import { AudienceService } from '../audiences/audience.service';
import './campaigns.messages';
import '../mail/mail.messages';
import { formatCount } from '../money/money-format';
import { FunnelService } from '../funnel/funnel.service';
import { funnelPageData, timelineChart } from '../funnel/funnel-page';

/** The draft a new campaign starts from, in the marketer's language. */
const STARTER: Record<'en' | 'ru', { subject: string; body: string }> = {
  en: {
    subject: '{{firstName}}, earn with your suppliers',
    body: `<h1>Hello {{firstName}},</h1>
<p>Your suppliers listen to you. Recommend our service to them: they get a discount, you earn a share of every payment they make.</p>
{{> button url=registrationLink label="Become a referrer"}}
{{> signature}}`,
  },
  ru: {
    subject: '{{firstName}}, зарабатывайте вместе с вашими поставщиками',
    body: `<h1>Здравствуйте, {{firstName}}!</h1>
<p>Ваши поставщики прислушиваются к вам. Порекомендуйте им наш сервис: они получат скидку, а вы — долю от каждого их платежа.</p>
{{> button url=registrationLink label="Стать партнёром"}}
{{> signature}}`,
  },
};
const STATES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'];

/** The marketer's campaign console: the same service calls as the API. */
@ApiExcludeController()
@Controller('console/campaigns')
export class CampaignPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly campaigns: CampaignService,
    private readonly audienceService: AudienceService,
    private readonly funnel: FunnelService,
  ) {}

  private statusWords(req: Request): string {
    return JSON.stringify(Object.fromEntries(STATES.map((st) => [st, this.views.t(req, `campaigns.state.${st}`)])));
  }

  private audiences(): Promise<{ id: string; name: string; contacts: number }[]> {
    return this.audienceService.list();
  }

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.views.render('campaigns', req, res, {
      title: this.views.t(req, 'campaigns.title'),
      campaigns: await this.campaigns.list(),
      audiences: await this.audiences(),
      statusWords: this.statusWords(req),
      form: STARTER[this.views.locale(req)],
    });
  }

  @Post()
  @Roles(Role.Marketer, Role.Admin)
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const c = await this.campaigns.create(await parseForm(CreateCampaignDto, body), user.id);
      res.redirect(303, `/console/campaigns/${c.id}`);
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('campaigns', req, res, { title: this.views.t(req, 'campaigns.title'), campaigns: await this.campaigns.list(), audiences: await this.audiences(), statusWords: this.statusWords(req), form: body, error }, status);
    }
  }

  @Get(':id')
  @Roles(Role.Marketer, Role.Admin)
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    // A test message kept in the outbox must not be reported as sent (no SMTP server configured).
    const testKey = req.query.delivery === 'outbox' ? 'mail.delivery.testOutbox' : 'mail.delivery.testSmtp';
    const notice = typeof req.query.notice === 'string' ? this.views.t(req, req.query.notice === 'test' ? testKey : 'campaigns.saved', { to: req.query.to }) : undefined;
    await this.renderShow(req, res, id, { notice });
  }

  /**
   * The email preview framed by the campaign page (sandboxed). Emails carry inline styles, so this
   * document, which is not one of our pages and runs no script, gets its own narrow policy.
   */
  @Get(':id/preview')
  @Roles(Role.Marketer, Role.Admin)
  async previewDocument(@Res() res: Response, @Param('id') id: string): Promise<void> {
    const preview = await this.campaigns.preview(id);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'self'; sandbox");
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(preview.html);
  }

  private async renderShow(req: Request, res: Response, id: string, extra: Record<string, unknown>, status = 200): Promise<void> {
    const campaign = await this.campaigns.get(id);
    const preview = await this.campaigns.preview(id);
    const started = !['draft', 'scheduled'].includes(campaign.status) || campaign.startedAt;
    const funnel = started ? funnelPageData(this.views, req, await this.funnel.funnel(id)) : {};
    const timeline = started ? await timelineChart(this.views, req, this.funnel, id) : null;
    this.views.render('campaign', req, res, { title: campaign.name, campaign, preview, statusWords: this.statusWords(req), started, timeline, ...funnel, ...extra }, status);
  }

  private action(run: (id: string, body: Record<string, string>) => Promise<unknown>, notice = 'saved') {
    return async (req: Request, res: Response, id: string, body: Record<string, string>): Promise<void> => {
      try {
        const result = await run(id, body);
        const delivery = (result as { delivery?: string } | undefined)?.delivery;
        res.redirect(303, `/console/campaigns/${id}?notice=${notice}${notice === 'test' ? `&to=${encodeURIComponent(body.to ?? '')}&delivery=${delivery === 'outbox' ? 'outbox' : 'smtp'}` : ''}`);
      } catch (err) {
        const { status, error } = pageError(err);
        await this.renderShow(req, res, id, { error }, status);
      }
    };
  }

  @Post(':id')
  @Roles(Role.Marketer, Role.Admin)
  edit(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    return this.action(async (i, b) => this.campaigns.update(i, await parseForm(UpdateCampaignDto, b)))(req, res, id, body);
  }

  @Post(':id/test')
  @Roles(Role.Marketer, Role.Admin)
  test(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    return this.action(async (i, b) => this.campaigns.testSend(i, (await parseForm(TestSendDto, b)).to), 'test')(req, res, id, body);
  }

  @Post(':id/schedule')
  @Roles(Role.Marketer, Role.Admin)
  async schedule(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    if (!body.at && body.confirm !== 'yes') return this.confirmSendNow(req, res, id);
    // The form's date and time are the program's wall clock (the label names the zone).
    const form = { ...body, at: body.at ? (parseLocalDateTime(body.at, this.views.timeZone())?.toISOString() ?? String(body.at)) : '' };
    return this.action(async (i, b) => this.campaigns.schedule(i, (await parseForm(ScheduleCampaignDto, b)).at))(req, res, id, form);
  }

  /** "Send to 1,909 recipients now?": sending cannot be called back, so it asks first (a page, no JavaScript needed). */
  private async confirmSendNow(req: Request, res: Response, id: string): Promise<void> {
    const campaign = await this.campaigns.get(id);
    const contacts = (await this.audiences()).find((a) => a.id === campaign.audienceId)?.contacts ?? 0;
    const locale = this.views.locale(req);
    const recipients = this.views.t(req, `plural.recipients.${new Intl.PluralRules(locale).select(contacts)}`, { n: formatCount(locale, contacts) });
    this.views.render('confirm', req, res, {
      title: this.views.t(req, 'campaigns.confirm.heading'),
      confirm: {
        heading: this.views.t(req, 'campaigns.confirm.heading'),
        question: this.views.t(req, 'campaigns.confirm.question', { recipients }),
        detail: this.views.t(req, 'campaigns.confirm.detail', { name: campaign.name, subject: campaign.subject, audience: campaign.audienceName }),
        yes: this.views.t(req, 'campaigns.confirm.yes'),
        action: `/console/campaigns/${id}/schedule`,
        back: `/console/campaigns/${id}`,
        fields: [],
      },
    });
  }

  @Post(':id/pause')
  @Roles(Role.Marketer, Role.Admin)
  pause(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.action((i) => this.campaigns.pause(i))(req, res, id, {});
  }

  @Post(':id/resume')
  @Roles(Role.Marketer, Role.Admin)
  resume(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.action((i) => this.campaigns.resume(i))(req, res, id, {});
  }

  @Post(':id/cancel')
  @Roles(Role.Marketer, Role.Admin)
  cancel(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.action((i) => this.campaigns.cancel(i))(req, res, id, {});
  }
}
