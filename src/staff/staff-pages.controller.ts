import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Public, Roles, SESSION_COOKIE } from '../access/access.decorators';
import { Role, STAFF_ROLES } from '../access/role';
import { sessionMeta } from '../auth/auth.controller';
import { AuthService } from '../auth/auth.service';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import { DomainException } from '../common/errors/domain.exception';
import { localizedErrorMessage } from '../common/errors/errors.messages';
import { Locale, LOCALES } from '../i18n/messages';
import { pageError, parseForm } from '../web/form';
import { homeOf } from '../web/sections';
import { ViewService } from '../web/view.service';
import { AcceptInviteDto, ChangeStaffRoleDto, InviteStaffDto } from './staff.dto';
import { StaffRow } from './staff.repository';
import { INVITE_LIFE_SECONDS, roleWords, StaffManagementService } from './staff.service';

const DONE = ['invited', 'reinvited', 'notMailed', 'role', 'disabled', 'enabled'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOURS = INVITE_LIFE_SECONDS / 3600;

/** The admin's staff pages (list, invite, role, disable/enable) and the invitee's /invite/:token page. */
@ApiExcludeController()
@Controller()
export class StaffPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly staff: StaffManagementService,
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Get('admin/staff')
  @Roles(Role.Admin)
  async list(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.renderList(req, res, user, { notice: await this.notice(req) });
  }

  @Get('admin/staff/invite')
  @Roles(Role.Admin)
  inviteForm(@Req() req: Request, @Res() res: Response): void {
    this.renderInvite(req, res, {});
  }

  @Post('admin/staff/invite')
  @Roles(Role.Admin)
  async invite(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>): Promise<void> {
    const form = { email: String(body?.email ?? ''), role: String(body?.role ?? ''), locale: String(body?.locale ?? '') };
    try {
      const dto = await parseForm(InviteStaffDto, form);
      const result = await this.staff.invite(user, dto.email, dto.role, dto.locale ?? this.views.locale(req));
      res.redirect(303, `/admin/staff?done=${result.mailed ? (result.reinvited ? 'reinvited' : 'invited') : 'notMailed'}&id=${result.account.id}`);
    } catch (err) {
      const { status, error } = pageError(err);
      this.renderInvite(req, res, { form, error: { code: error.code, message: localizedErrorMessage(req, error.code, error.message, error.details) }, fields: error.fields }, status);
    }
  }

  @Post('admin/staff/:id/reinvite')
  @Roles(Role.Admin)
  async reinvite(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.act(req, res, user, async () => {
      const row = await this.staff.get(id);
      const result = await this.staff.invite(user, row.email, row.role, row.locale ?? this.views.locale(req));
      return result.mailed ? 'reinvited' : 'notMailed';
    }, id);
  }

  @Post('admin/staff/:id/role')
  @Roles(Role.Admin)
  async changeRole(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, unknown>): Promise<void> {
    await this.act(req, res, user, async () => {
      const dto = await parseForm(ChangeStaffRoleDto, { role: String(body?.role ?? '') });
      await this.staff.changeRole(user, id, dto.role);
      return 'role';
    }, id);
  }

  @Post('admin/staff/:id/disable')
  @Roles(Role.Admin)
  async disable(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, unknown>): Promise<void> {
    if (body?.confirm !== 'yes') {
      const row = await this.staff.get(id);
      const heading = this.views.t(req, 'staff.confirm.heading');
      this.views.render('confirm', req, res, {
        title: heading,
        confirm: {
          heading,
          question: this.views.t(req, 'staff.confirm.question', { email: row.email, role: roleWords(this.views.locale(req), row.role) }),
          detail: this.views.t(req, 'staff.confirm.detail'),
          yes: this.views.t(req, 'staff.confirm.yes'),
          action: `/admin/staff/${id}/disable`,
          back: '/admin/staff',
          fields: [],
        },
      });
      return;
    }
    await this.act(req, res, user, async () => {
      await this.staff.disable(user, id);
      return 'disabled';
    }, id);
  }

  @Post('admin/staff/:id/enable')
  @Roles(Role.Admin)
  async enable(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.act(req, res, user, async () => {
      await this.staff.enable(user, id);
      return 'enabled';
    }, id);
  }

  @Get('invite/:token')
  @Public()
  async invitation(@Req() req: Request, @Res() res: Response, @Param('token') token: string): Promise<void> {
    const found = await this.staff.invitation(token);
    this.renderInvitation(req, res, token, found.state === 'valid' ? { email: found.email } : { state: found.state }, found.state === 'valid' ? 200 : 410);
  }

  @Post('invite/:token')
  @Public()
  @HttpCode(200)
  async accept(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() body: Record<string, unknown>): Promise<void> {
    try {
      const dto = await parseForm(AcceptInviteDto, { password: typeof body?.password === 'string' ? body.password : '' });
      const { user, accessToken } = await this.staff.acceptInvite(token, dto.password, sessionMeta(req));
      res.cookie(SESSION_COOKIE, accessToken, this.auth.sessionCookieOptions());
      res.redirect(303, this.twoFactor.isRequiredFor(user.role) ? '/account/two-factor' : homeOf(user.role));
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      const found = await this.staff.invitation(token);
      if (found.state !== 'valid') {
        this.renderInvitation(req, res, token, { state: found.state }, 410);
        return;
      }
      const message = localizedErrorMessage(req, err.code, err.message, err.details);
      this.renderInvitation(req, res, token, { email: found.email, passwordError: message }, err.httpStatus);
    }
  }

  /** Runs one change and goes back to the list with a flash, or shows the list with the error. */
  private async act(req: Request, res: Response, user: AuthUser, change: () => Promise<(typeof DONE)[number]>, id: string): Promise<void> {
    try {
      const done = await change();
      res.redirect(303, `/admin/staff?done=${done}&id=${id}`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderList(req, res, user, { error: { code: error.code, message: localizedErrorMessage(req, error.code, error.message, error.details) } }, status);
    }
  }

  private async notice(req: Request): Promise<string | undefined> {
    const done = DONE.find((d) => d === req.query.done);
    const id = typeof req.query.id === 'string' && UUID.test(req.query.id) ? req.query.id : undefined;
    if (!done || !id) return undefined;
    const row = await this.staff.get(id).catch(() => null);
    if (!row) return undefined;
    return this.views.t(req, `staff.done.${done}`, { email: row.email, role: roleWords(this.views.locale(req), row.role), hours: HOURS });
  }

  private async renderList(req: Request, res: Response, user: AuthUser, ctx: Record<string, unknown>, status = 200): Promise<void> {
    const locale = this.views.locale(req);
    const rows = await this.staff.list();
    this.views.render(
      'staff',
      req,
      res,
      {
        title: this.views.t(req, 'staff.title'),
        staff: rows.map((r) => this.row(locale, r, user)),
        ...ctx,
      },
      status,
    );
  }

  private row(locale: Locale, r: StaffRow, user: AuthUser) {
    const self = r.id === user.id;
    return {
      ...r,
      self,
      roleLabel: roleWords(locale, r.role),
      invited: r.status === 'invited',
      disabled: r.status === 'disabled',
      roleOptions: STAFF_ROLES.map((value) => ({ value, label: roleWords(locale, value), selected: value === r.role })),
    };
  }

  private renderInvite(req: Request, res: Response, ctx: { form?: { email: string; role: string; locale: string }; error?: { code: string; message: string }; fields?: string[] }, status = 200): void {
    const locale = this.views.locale(req);
    const form = ctx.form ?? { email: '', role: Role.Finance, locale };
    const fieldError = (name: string) => (ctx.fields?.includes(name) ? ctx.error?.message : undefined);
    this.views.render(
      'staff-invite',
      req,
      res,
      {
        title: this.views.t(req, 'staff.inviteForm.title'),
        hours: HOURS,
        form,
        // An error about one field shows under it; anything else on top.
        error: ctx.fields?.length ? undefined : ctx.error,
        errors: { email: fieldError('email'), role: fieldError('role'), locale: fieldError('locale') },
        roles: STAFF_ROLES.map((value) => ({ value, label: roleWords(locale, value), selected: value === (form.role || Role.Finance) })),
        locales: LOCALES.map((value) => ({ value, label: this.views.t(req, `staff.locale.${value}`), selected: value === (form.locale || locale) })),
      },
      status,
    );
  }

  private renderInvitation(req: Request, res: Response, token: string, ctx: { email?: string; state?: string; passwordError?: string }, status: number): void {
    this.views.render(
      'invite',
      req,
      res,
      {
        title: this.views.t(req, 'invite.title'),
        token,
        ...ctx,
        stateText: ctx.state ? this.views.t(req, `invite.state.${ctx.state}`) : undefined,
        user: undefined,
      },
      status,
    );
  }
}
