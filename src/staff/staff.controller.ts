import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { pickLocale } from '../i18n/messages';
import { ChangeStaffRoleDto, InviteResultView, InviteStaffDto, StaffView } from './staff.dto';
import { StaffManagementService } from './staff.service';

@ApiTags('staff')
@Controller('api/staff')
export class StaffController {
  constructor(private readonly staff: StaffManagementService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Every staff account (finance, marketer, admin) with its status and last sign-in; disabled ones last' })
  @ApiOkResponse({ type: [StaffView] })
  list(): Promise<StaffView[]> {
    return this.staff.list();
  }

  @Post('invite')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Invite a person by email with a staff role: they get a single-use link (72 hours) to choose a password. Inviting a still-invited address sends a fresh link; the old one stops working' })
  @ApiCreatedResponse({ type: InviteResultView })
  @ApiConflictResponse({ description: 'STAFF_EMAIL_TAKEN: an account with this email has already signed up', type: ErrorBody })
  invite(@CurrentUser() actor: AuthUser, @Body() dto: InviteStaffDto, @Req() req: Request): Promise<InviteResultView> {
    return this.staff.invite(actor, dto.email, dto.role, dto.locale ?? pickLocale(req.query?.lang, req.cookies?.lang, req.headers['accept-language']));
  }

  @Post(':id/role')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Staff account id (uuid)' })
  @ApiOperation({ summary: "Change a staff member's role (applies to their open sessions at once)" })
  @ApiOkResponse({ type: StaffView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND', type: ErrorBody })
  @ApiConflictResponse({ description: 'CANNOT_CHANGE_OWN_ROLE; LAST_ADMIN: no other active admin would remain', type: ErrorBody })
  changeRole(@CurrentUser() actor: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ChangeStaffRoleDto): Promise<StaffView> {
    return this.staff.changeRole(actor, id, dto.role);
  }

  @Post(':id/disable')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Staff account id (uuid)' })
  @ApiOperation({ summary: 'Disable a staff account: it cannot sign in, its sessions end and the API keys it made are revoked, at once' })
  @ApiOkResponse({ type: StaffView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND', type: ErrorBody })
  @ApiConflictResponse({ description: 'CANNOT_DISABLE_SELF; LAST_ADMIN: no other active admin would remain', type: ErrorBody })
  disable(@CurrentUser() actor: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<StaffView> {
    return this.staff.disable(actor, id);
  }

  @Post(':id/enable')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'Staff account id (uuid)' })
  @ApiOperation({ summary: 'Re-enable a disabled staff account (it signs in again with its password; revoked API keys stay revoked)' })
  @ApiOkResponse({ type: StaffView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND', type: ErrorBody })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: the id is not a uuid', type: ErrorBody })
  enable(@CurrentUser() actor: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<StaffView> {
    return this.staff.enable(actor, id);
  }
}
