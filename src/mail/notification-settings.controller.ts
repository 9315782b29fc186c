import { Body, Controller, Get, Post, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { ALL_ROLES } from '../access/role';
import { LOCALES, Locale } from '../i18n/messages';
import { ViewService } from '../web/view.service';
import { EmailTemplateService } from '../email-templates/email-template.service';
import { NOTIFICATION_KINDS } from './notification-kinds';
import { NotificationService, NotificationSettings } from './notifications.service';
import './notifications.messages';

export class NotificationKindSettingView {
  @ApiProperty({ enum: NOTIFICATION_KINDS, description: 'The kind of notification' })
  kind: string;
  @ApiProperty({ description: 'Whether emails of this kind are sent' })
  enabled: boolean;
  @ApiProperty({ description: 'Always sent (cannot be turned off)' })
  required: boolean;
}

export class NotificationSettingsView {
  @ApiProperty({ enum: LOCALES, description: 'Language of every email to this person' })
  locale: Locale;
  @ApiProperty({ type: [NotificationKindSettingView], description: "The kinds this person's role receives" })
  kinds: NotificationKindSettingView[];
}

export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional({ enum: LOCALES, description: 'Language of every email to this person' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ description: 'Kind → on/off; kinds of other roles and required kinds are ignored', type: 'object', additionalProperties: { type: 'boolean' } })
  @IsOptional()
  @IsObject()
  kinds?: Record<string, boolean>;
}

/** A person's email language and notification kinds: API and the page /account/notifications. */
@ApiTags('account')
@Controller()
export class NotificationSettingsController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly views: ViewService,
    private readonly templates: EmailTemplateService,
  ) {}

  @Get('api/account/notifications')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'My email language and which notifications I get' })
  @ApiOkResponse({ type: NotificationSettingsView })
  get(@CurrentUser() user: AuthUser): Promise<NotificationSettings> {
    return this.notifications.settingsOf(user.id, user.role);
  }

  @Put('api/account/notifications')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Change my email language and/or turn notification kinds on or off' })
  @ApiOkResponse({ type: NotificationSettingsView })
  update(@CurrentUser() user: AuthUser, @Body() dto: UpdateNotificationSettingsDto): Promise<NotificationSettings> {
    return this.notifications.updateSettings(user.id, user.role, { locale: dto.locale, kinds: sanitizeKinds(dto.kinds) });
  }

  @Get('account/notifications')
  @Roles(...ALL_ROLES)
  @ApiExcludeEndpoint()
  async page(@CurrentUser() user: AuthUser, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.show(user, req, res, req.query?.saved === '1');
  }

  @Post('account/notifications')
  @Roles(...ALL_ROLES)
  @ApiExcludeEndpoint()
  async save(@CurrentUser() user: AuthUser, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const current = await this.notifications.settingsOf(user.id, user.role);
    const kinds: Record<string, boolean> = {};
    // A checkbox that is not ticked is not sent: every kind listed on the page is set.
    for (const k of current.kinds) kinds[k.kind] = body[`kind_${k.kind}`] === 'on';
    const locale = LOCALES.includes(body.locale as Locale) ? (body.locale as Locale) : undefined;
    await this.notifications.updateSettings(user.id, user.role, { locale, kinds });
    res.redirect(303, '/account/notifications?saved=1');
  }

  private async show(user: AuthUser, req: Request, res: Response, saved: boolean): Promise<void> {
    const s = await this.notifications.settingsOf(user.id, user.role);
    this.views.render('account-notifications', req, res, {
      title: this.views.t(req, 'notify.settings.title'),
      saved,
      brand: this.templates.brand,
      languages: LOCALES.map((l) => ({ value: l, label: this.views.t(req, `notify.lang.${l}`), selected: l === s.locale })),
      kinds: s.kinds.map((k) => ({ ...k, field: `kind_${k.kind}`, id: `kind-${k.kind.replace(/[._]/g, '-')}`, label: this.views.t(req, `mail.notify.kind.${k.kind}`) })),
    });
  }
}

function sanitizeKinds(kinds: Record<string, unknown> | undefined): Record<string, boolean> | undefined {
  if (!kinds) return undefined;
  return Object.fromEntries(Object.entries(kinds).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
}
