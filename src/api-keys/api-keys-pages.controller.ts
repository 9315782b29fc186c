import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { ApiKeysService } from '../auth/api-keys.service';
import { Role, STAFF_ROLES } from '../access/role';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import './api-keys.messages';
import { CreateApiKeyDto } from './api-keys.dto';

/** The admin's page of API keys: make one (shown once), see prefixes and last use, revoke. */
@ApiExcludeController()
@Controller('admin/integrations/api-keys')
export class ApiKeysPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(req, res, { notice: req.query.done === 'revoked' ? this.views.t(req, 'apiKeys.done.revoked') : undefined });
  }

  @Post()
  @Roles(Role.Admin)
  async create(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    const form = { name: String(body.name ?? ''), role: String(body.role ?? '') };
    try {
      const dto = await parseForm(CreateApiKeyDto, form);
      const created = await this.keys.create(dto.name, dto.role, user);
      res.set('Cache-Control', 'no-store');
      // The key exists in clear only in this answer.
      await this.render(req, res, { created: { ...created, roleLabel: this.views.t(req, `role.${created.role}`) } }, 201);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, { error, form }, status);
    }
  }

  @Post(':id/revoke')
  @Roles(Role.Admin)
  async revoke(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    const key = await this.keys.get(id);
    if (body?.confirm !== 'yes') {
      this.views.render('confirm', req, res, {
        title: this.views.t(req, 'apiKeys.confirm.heading'),
        confirm: {
          heading: this.views.t(req, 'apiKeys.confirm.heading'),
          question: this.views.t(req, 'apiKeys.confirm.question', { name: key.name, prefix: `hs_${key.prefix}_…` }),
          detail: this.views.t(req, 'apiKeys.confirm.detail'),
          yes: this.views.t(req, 'apiKeys.confirm.yes'),
          action: `/admin/integrations/api-keys/${id}/revoke`,
          back: '/admin/integrations/api-keys',
          fields: [],
        },
      });
      return;
    }
    await this.keys.revoke(id, user);
    res.redirect(303, '/admin/integrations/api-keys?done=revoked');
  }

  private async render(req: Request, res: Response, ctx: Record<string, unknown> & { form?: { name: string; role: string } }, status = 200): Promise<void> {
    const keys = await this.keys.list();
    this.views.render(
      'api-keys',
      req,
      res,
      {
        title: this.views.t(req, 'apiKeys.title'),
        keys: keys.map((k) => ({ ...k, roleLabel: this.views.t(req, `role.${k.role}`), revoked: k.revokedAt !== null })),
        roles: STAFF_ROLES.map((value) => ({ value, label: this.views.t(req, `role.${value}`), selected: value === (ctx.form?.role ?? Role.Finance) })),
        ...ctx,
      },
      status,
    );
  }
}
