import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser, ClientIp, CurrentUser, Public, Roles } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { ApplicationView, ApplyDto, MemberProfileDto, MemberView, MemberStatusDto, RefuseMemberDto } from './member.dto';
import { MemberService } from './member.service';

@ApiTags('exchange')
@Controller('api/exchange')
export class MemberController {
  constructor(private readonly members: MemberService) {}

  @Post('applications')
  @Public()
  @ApiOperation({ summary: 'A company applies to join the lead exchange, accepting the current rules (no-poaching included)' })
  @ApiCreatedResponse({ type: ApplicationView })
  apply(@Body() dto: ApplyDto, @ClientIp() ip: string, @Req() req: Request): Promise<ApplicationView> {
    return this.members.apply(dto, { ip, userAgent: req.headers['user-agent'] });
  }

  @Get('members/me')
  @Roles(Role.Partner)
  @ApiOperation({ summary: 'The signed-in company\'s membership and profile' })
  @ApiOkResponse({ type: MemberView })
  async me(@CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.view((await this.members.memberOfUser(user.id, false)).id);
  }

  @Put('members/me/profile')
  @Roles(Role.Partner)
  @ApiOperation({ summary: 'Declare entry threshold, expertise tags, regions and weekly capacity (admitted members)' })
  @ApiOkResponse({ type: MemberView })
  async profile(@CurrentUser() user: AuthUser, @Body() dto: MemberProfileDto): Promise<MemberView> {
    return this.members.updateProfile((await this.members.memberOfUser(user.id)).id, dto);
  }

  @Get('members')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Members and applications, newest first' })
  @ApiQuery({ name: 'status', required: false, description: 'applied, admitted, refused, suspended or expelled' })
  @ApiOkResponse({ type: [MemberView] })
  list(@Query('status') status?: string): Promise<MemberView[]> {
    return this.members.list(status || undefined);
  }

  @Get('members/:id')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'One member' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  one(@Param('id', new ParseUUIDPipe()) id: string): Promise<MemberView> {
    return this.members.view(id);
  }

  @Post('members/:id/admit')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Admit an applicant' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  admit(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.decide(id, true, user.id);
  }

  @Post('members/:id/refuse')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse an applicant, with a reason' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  refuse(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RefuseMemberDto, @CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.decide(id, false, user.id, dto.reason);
  }

  @Post('members/:id/suspend')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend an admitted member: no offers until reinstated; its open offers go to the next best member' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  suspend(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: MemberStatusDto, @CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.changeStatus(id, 'suspend', user.id, dto.reason);
  }

  @Post('members/:id/reinstate')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Reinstate a suspended member' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  reinstate(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: MemberStatusDto, @CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.changeStatus(id, 'reinstate', user.id, dto.reason);
  }

  @Post('members/:id/expel')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Expel a member: its account is closed and its open offers go to the next best member' })
  @ApiParam({ name: 'id', description: 'Member id' })
  @ApiOkResponse({ type: MemberView })
  expel(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: MemberStatusDto, @CurrentUser() user: AuthUser): Promise<MemberView> {
    return this.members.changeStatus(id, 'expel', user.id, dto.reason);
  }
}
