import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Public, Roles } from '../access/access.decorators';
import { LimitPerAddress } from '../auth/rate-limit.guard';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { PromoCodeQuoteView, PromoCodeView } from './promo-code.dto';
import { PromoCodeService } from './promo-code.service';

@ApiTags('promo-codes')
@Controller('api/promo-codes')
export class PromoCodeController {
  constructor(private readonly codes: PromoCodeService) {}

  @Post(':code/revoke')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a code for good' })
  @ApiParam({ name: 'code', description: 'The promo code (any case)' })
  @ApiOkResponse({ type: PromoCodeView })
  revoke(@Param('code') code: string): Promise<PromoCodeView> {
    return this.codes.revoke(code);
  }

  @Get(':code')
  @Public()
  @LimitPerAddress('promo-check')
  @ApiOperation({ summary: 'Check a code: the discount a supplier would get, or why it cannot be used. Rate limited per client address.' })
  @ApiParam({ name: 'code', description: 'The promo code (any case; dashes and spaces ignored)' })
  @ApiOkResponse({ type: PromoCodeQuoteView })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED', type: ErrorBody })
  check(@Param('code') code: string): Promise<PromoCodeQuoteView> {
    return this.codes.quote(code);
  }
}
