import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { Locale, pickLocale } from '../i18n/messages';
import { AttributionHistoryView, ChangeAttributionDto } from './attribution.dto';
import { AttributionService } from './attribution.service';

@ApiTags('suppliers')
@Controller('api/admin/suppliers/:id/attribution')
export class AttributionController {
  constructor(private readonly attributions: AttributionService) {}

  @Get()
  @Roles(Role.Admin, Role.Finance)
  @ApiOperation({ summary: "A supplier's attribution: the sign-up redemption, every admin change since, and who earns on invoices paid now" })
  @ApiParam({ name: 'id', description: 'Supplier id' })
  @ApiOkResponse({ type: AttributionHistoryView })
  @ApiNotFoundResponse({ description: 'ATTRIBUTION_SUPPLIER_NOT_FOUND', type: ErrorBody })
  history(@Param('id') id: string, @Req() req: Request): Promise<AttributionHistoryView> {
    return this.attributions.history(id, locale(req));
  }

  @Post()
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move the supplier to another referrer or to no one, with a reason (audited). Applies to invoices paid from now on, on the new referrer’s split and program terms locked now; commissions earned before stay where they were earned',
  })
  @ApiParam({ name: 'id', description: 'Supplier id' })
  @ApiOkResponse({ type: AttributionHistoryView })
  @ApiBadRequestResponse({ description: 'ATTRIBUTION_TARGET_REQUIRED (referrerId missing; null means no one) or VALIDATION_FAILED', type: ErrorBody })
  @ApiNotFoundResponse({ description: 'ATTRIBUTION_SUPPLIER_NOT_FOUND or ATTRIBUTION_REFERRER_NOT_FOUND', type: ErrorBody })
  @ApiConflictResponse({ description: 'ATTRIBUTION_UNCHANGED (already that referrer) or ATTRIBUTION_NONE (signed up without a code)', type: ErrorBody })
  @ApiUnprocessableEntityResponse({ description: 'ATTRIBUTION_REASON_REQUIRED or ATTRIBUTION_SELF_REFERRAL (the referrer’s own company)', type: ErrorBody })
  change(@Param('id') id: string, @Body() dto: ChangeAttributionDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<AttributionHistoryView> {
    return this.attributions.change(user, { supplierId: id, referrerId: dto.referrerId, reason: dto.reason }, locale(req));
  }
}

function locale(req: Request): Locale {
  return pickLocale(req.query?.lang, req.cookies?.lang, req.headers['accept-language']);
}
