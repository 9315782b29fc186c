import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError, pageNumber, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import './outbound-webhooks.messages';
import { CreateWebhookEndpointDto } from './webhook-endpoints.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';

const PER_PAGE = 30;
const DONE = new Set(['created', 'enabled', 'disabled', 'deleted']);

function listOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' && v ? [v] : [];
}

/** Admin pages of outbound webhooks: the endpoints, one endpoint's delivery log and its actions. */
@ApiExcludeController()
@Controller('admin/integrations')
export class IntegrationsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly endpoints: WebhookEndpointsService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const done = typeof req.query.done === 'string' && DONE.has(req.query.done) ? req.query.done : undefined;
    await this.renderList(req, res, { notice: done ? this.views.t(req, `webhooks.done.${done}`) : undefined });
  }

  @Post('endpoints')
  @Roles(Role.Admin)
  async create(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>): Promise<void> {
    const form = { url: String(body.url ?? ''), description: String(body.description ?? ''), eventTypes: listOf(body.eventTypes) };
    try {
      const dto = await parseForm(CreateWebhookEndpointDto, { url: form.url, description: form.description, eventTypes: form.eventTypes.length ? form.eventTypes : undefined });
      const created = await this.endpoints.create(dto, user);
      // The secret exists in clear only in this answer: shown here, never again.
      this.renderSecret(req, res, created.id, created.url, created.secret, 201);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderList(req, res, { error, form }, status);
    }
  }

  @Get('endpoints/:id')
  @Roles(Role.Admin)
  async show(@Req() req: Request, @Res() res: Response, @Param('id', new ParseUUIDPipe()) id: string, @Query('status') status?: string, @Query('page') page?: string): Promise<void> {
    const q = req.query;
    const notice =
      q.done === 'redelivered'
        ? this.views.t(req, 'webhooks.done.redelivered', { status: String(q.status_code ?? '') })
        : q.done === 'redeliver_failed'
          ? this.views.t(req, 'webhooks.done.redeliverFailed', { error: String(q.error ?? '').slice(0, 200) })
          : typeof q.done === 'string' && DONE.has(q.done)
            ? this.views.t(req, `webhooks.done.${q.done}`)
            : undefined;
    await this.renderEndpoint(req, res, id, { notice, status, page: pageNumber(page) });
  }

  @Post('endpoints/:id/:action')
  @Roles(Role.Admin)
  async act(@Req() req: Request, @Res() res: Response, @Param('id', new ParseUUIDPipe()) id: string, @Param('action') action: string, @Body() body: Record<string, string>): Promise<void> {
    const back = `/admin/integrations/endpoints/${id}`;
    try {
      switch (action) {
        case 'enable':
        case 'disable':
          await this.endpoints.update(id, { enabled: action === 'enable' });
          return res.redirect(303, `${back}?done=${action}d`);
        case 'rotate':
        case 'delete': {
          if (body?.confirm !== 'yes') return await this.renderConfirm(req, res, id, action);
          if (action === 'delete') {
            await this.endpoints.remove(id);
            return res.redirect(303, '/admin/integrations?done=deleted');
          }
          const rotated = await this.endpoints.rotateSecret(id);
          return this.renderSecret(req, res, id, rotated.url, rotated.secret, 200);
        }
        case 'redeliver': {
          const r = await this.endpoints.redeliver(id, String(body?.deliveryId ?? ''));
          const qs = r.ok ? `done=redelivered&status_code=${r.status}` : `done=redeliver_failed&error=${encodeURIComponent(r.error ?? '')}`;
          return res.redirect(303, `${back}?${qs}`);
        }
        default:
          res.status(404).send('Not found');
      }
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderEndpoint(req, res, id, { error }, status);
    }
  }

  private eventTypeOptions(req: Request, chosen: string[]): { value: string; label: string; checked: boolean; id: string }[] {
    return WEBHOOK_EVENT_TYPES.map((value) => ({ value, label: this.views.t(req, `webhooks.type.${value}`), checked: chosen.includes(value), id: `event-${value.replace('.', '-')}` }));
  }

  private async renderList(req: Request, res: Response, ctx: { error?: unknown; notice?: string; form?: { url: string; description: string; eventTypes: string[] } }, status = 200): Promise<void> {
    const list = await this.endpoints.list();
    this.views.render(
      'integrations',
      req,
      res,
      {
        title: this.views.t(req, 'webhooks.title'),
        endpoints: list.map((e) => ({ ...e, events: e.eventTypes.map((t) => this.views.t(req, `webhooks.type.${t}`)).join(', ') })),
        eventTypes: this.eventTypeOptions(req, ctx.form?.eventTypes ?? []),
        form: ctx.form,
        error: ctx.error,
        notice: ctx.notice,
      },
      status,
    );
  }

  private renderSecret(req: Request, res: Response, id: string, url: string, secret: string, status: number): void {
    res.set('Cache-Control', 'no-store');
    this.views.render('integration-secret', req, res, { title: this.views.t(req, 'webhooks.secret.title'), id, url, secret }, status);
  }

  private async renderEndpoint(req: Request, res: Response, id: string, ctx: { error?: unknown; notice?: string; status?: string; page?: number }, status = 200): Promise<void> {
    const e = await this.endpoints.get(id);
    const filter = ctx.status && ['pending', 'delivered', 'failed'].includes(ctx.status) ? ctx.status : undefined;
    const page = ctx.page ?? 1;
    const log = await this.endpoints.deliveries(id, { status: filter, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const pages = Math.max(1, Math.ceil(log.total / PER_PAGE));
    const qs = (p: number) => `?${new URLSearchParams({ ...(filter ? { status: filter } : {}), page: String(p) }).toString()}`;
    this.views.render(
      'integration-endpoint',
      req,
      res,
      {
        title: this.views.t(req, 'webhooks.endpoint.title'),
        e: { ...e, events: e.eventTypes.map((t) => this.views.t(req, `webhooks.type.${t}`)) },
        deliveries: log.items.map((d) => ({
          ...d,
          typeLabel: this.views.t(req, `webhooks.type.${d.eventType}`),
          statusKey: `webhooks.status.${d.status}`,
          badge: d.status === 'delivered' ? 'badge-ok' : d.status === 'failed' ? 'badge-err' : 'badge-warn',
          attemptLog: d.attemptLog.map((a) => ({ ...a, result: a.responseStatus === null ? (a.error ?? this.views.t(req, 'webhooks.log.noAnswer')) : a.error && a.error !== `HTTP ${a.responseStatus}` ? `${a.responseStatus} (${a.error})` : String(a.responseStatus) })),
        })),
        total: log.total,
        filters: ['pending', 'delivered', 'failed'].map((value) => ({ value, label: this.views.t(req, `webhooks.status.${value}`), selected: value === filter })),
        newer: page > 1 ? qs(page - 1) : '',
        older: page < pages ? qs(page + 1) : '',
        error: ctx.error,
        notice: ctx.notice,
      },
      status,
    );
  }

  private async renderConfirm(req: Request, res: Response, id: string, action: 'rotate' | 'delete'): Promise<void> {
    const e = await this.endpoints.get(id);
    const log = await this.endpoints.deliveries(id, { limit: 1 });
    const p = { url: e.url, count: log.total };
    this.views.render('confirm', req, res, {
      title: this.views.t(req, `webhooks.confirm.${action}.heading`),
      confirm: {
        heading: this.views.t(req, `webhooks.confirm.${action}.heading`),
        question: this.views.t(req, `webhooks.confirm.${action}.question`, p),
        detail: this.views.t(req, `webhooks.confirm.${action}.detail`),
        yes: this.views.t(req, `webhooks.confirm.${action}.yes`),
        action: `/admin/integrations/endpoints/${id}/${action}`,
        back: `/admin/integrations/endpoints/${id}`,
        fields: [],
      },
    });
  }
}
