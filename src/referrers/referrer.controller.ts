import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser, ClientIp, CurrentUser, Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { PromoCodeView } from '../promo-codes/promo-code.dto';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { ChangeSplitDto, SplitView } from '../splits/split.dto';
import { SplitService } from '../splits/split.service';
import { ReferrerCabinetView, RegisterReferrerDto, RegistrationView, ReferrerSummaryView } from './referrer.dto';
import { ReferrerService } from './referrer.service';

@ApiTags('referrers')
@Controller('api/referrers')
export class ReferrerController {
  constructor(
    private readonly referrers: ReferrerService,
    private readonly splits: SplitService,
    private readonly codes: PromoCodeService,
  ) {}

  @Post()
  @Public()
  @ApiOperation({ summary: 'Register as a referrer: accept the current offer, get a promo code and a referral link' })
  @ApiCreatedResponse({ type: RegistrationView })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN or OFFER_VERSION_STALE', type: ErrorBody })
  @ApiUnprocessableEntityResponse({ description: 'OFFER_NOT_ACCEPTED', type: ErrorBody })
  register(@Body() dto: RegisterReferrerDto, @ClientIp() ip: string, @Req() req: Request): Promise<RegistrationView> {
    return this.referrers.register(dto, { ip, userAgent: req.headers['user-agent'] });
  }

  @Get('me')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'The signed-in referrer\'s cabinet: code, link, split, accepted offer' })
  @ApiOkResponse({ type: ReferrerCabinetView })
  me(@CurrentUser() user: AuthUser): Promise<ReferrerCabinetView> {
    return this.referrers.cabinetForUser(user.id);
  }

  @Put('me/split')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Choose the discount (commission = budget − discount); applies to suppliers who redeem afterwards' })
  @ApiOkResponse({ type: SplitView })
  @ApiUnprocessableEntityResponse({ description: 'SPLIT_OUT_OF_BOUNDS', type: ErrorBody })
  async changeSplit(@CurrentUser() user: AuthUser, @Body() dto: ChangeSplitDto): Promise<SplitView> {
    return this.splits.change(await this.referrers.referrerIdOfUser(user.id), dto.discountBp);
  }

  @Get('me/split-history')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Every split change, newest first' })
  @ApiOkResponse({ type: [SplitView] })
  async splitHistory(@CurrentUser() user: AuthUser): Promise<SplitView[]> {
    return this.splits.history(await this.referrers.referrerIdOfUser(user.id));
  }

  @Post('me/promo-code/pause')
  @Roles(Role.Referrer)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause the code: suppliers cannot redeem it until it is resumed' })
  @ApiOkResponse({ type: PromoCodeView })
  async pause(@CurrentUser() user: AuthUser): Promise<PromoCodeView> {
    return this.codes.setPaused(await this.referrers.referrerIdOfUser(user.id), true);
  }

  @Post('me/promo-code/resume')
  @Roles(Role.Referrer)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused code (a revoked code stays revoked)' })
  @ApiOkResponse({ type: PromoCodeView })
  async resume(@CurrentUser() user: AuthUser): Promise<PromoCodeView> {
    return this.codes.setPaused(await this.referrers.referrerIdOfUser(user.id), false);
  }

  @Get()
  @Roles(Role.Admin, Role.Finance, Role.Marketer)
  @ApiOperation({ summary: 'All referrers, newest first (staff only)' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1–500 (default 50)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Rows to skip (default 0)' })
  @ApiOkResponse({ type: [ReferrerSummaryView] })
  list(@Query('limit') limit?: string, @Query('offset') offset?: string): Promise<ReferrerSummaryView[]> {
    const size = Math.min(Math.max(Number.parseInt(limit ?? '50', 10) || 50, 1), 500);
    return this.referrers.list(size, Math.max(Number.parseInt(offset ?? '0', 10) || 0, 0));
  }

  @Get(':id')
  @Roles(Role.Admin, Role.Finance)
  @ApiOperation({ summary: 'One referrer\'s cabinet (staff only; a referrer reads their own at /me)' })
  @ApiParam({ name: 'id', description: 'Referrer id (uuid)' })
  @ApiOkResponse({ type: ReferrerCabinetView })
  one(@Param('id', new ParseUUIDPipe()) id: string): Promise<ReferrerCabinetView> {
    return this.referrers.cabinetById(id);
  }
}
