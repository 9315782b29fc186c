import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth/access.decorators';
import { Role } from '../auth/role';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { CreateCampaignDto, ScheduleCampaignDto, TestSendDto, UpdateCampaignDto } from './campaign.dto';
import { CampaignService } from './campaign.service';
import { AudienceService } from '../audiences/audience.service';
import './campaigns.messages';

const STARTER_BODY = `<h1>Hello {{firstName}},</h1>
<p>Your suppliers listen to you. Recommend our service to them: they get a discount, you earn a share of every payment they make.</p>
{{> button url=registrationLink label="Become a referrer"}}
{{> signature}}`;

/** The marketer's campaign console: the same service calls as the API. */
@ApiExcludeController()
@Controller('console/campaigns')
export class CampaignPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly campaigns: CampaignService,
    private readonly audienceService: AudienceService,
  ) {}

  private audiences(): Promise<{ id: string; name: string }[]> {
    return this.audienceService.list();
  }

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.views.render('campaigns', req, res, {
      title: this.views.t(req, 'campaigns.title'),
      campaigns: await this.campaigns.list(),
      audiences: await this.audiences(),
      form: { body: STARTER_BODY, subject: '{{firstName}}, earn with your suppliers' },
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
      this.views.render('campaigns', req, res, { title: this.views.t(req, 'campaigns.title'), campaigns: await this.campaigns.list(), audiences: await this.audiences(), form: body, error }, status);
    }
  }

  @Get(':id')
  @Roles(Role.Marketer, Role.Admin)
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const notice = typeof req.query.notice === 'string' ? this.views.t(req, `campaigns.${req.query.notice === 'test' ? 'testSent' : 'saved'}`, { to: req.query.to }) : undefined;
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
    this.views.render('campaign', req, res, { title: campaign.name, campaign, preview, audiences: await this.audiences(), ...extra }, status);
  }

  private action(run: (id: string, body: Record<string, string>) => Promise<unknown>, notice = 'saved') {
    return async (req: Request, res: Response, id: string, body: Record<string, string>): Promise<void> => {
      try {
        await run(id, body);
        res.redirect(303, `/console/campaigns/${id}?notice=${notice}${notice === 'test' ? `&to=${encodeURIComponent(body.to ?? '')}` : ''}`);
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
  schedule(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    const form = { ...body, at: body.at ? new Date(`${body.at}Z`).toISOString() : '' };
    return this.action(async (i, b) => this.campaigns.schedule(i, (await parseForm(ScheduleCampaignDto, b)).at))(req, res, id, form);
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
