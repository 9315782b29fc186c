import { Body, Controller, Get, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { AdjustmentView, CreateAdjustmentDto } from './adjustments.dto';
import { AdjustmentsService } from './adjustments.service';

@ApiTags('finance')
@Controller('api/adjustments')
export class AdjustmentsController {
  constructor(private readonly adjustments: AdjustmentsService) {}

  @Post()
  @Roles(Role.Finance)
  @ApiOperation({ summary: 'Credit (positive) or debit (negative) a referrer\'s available balance, with a mandatory reason' })
  @ApiCreatedResponse({ type: AdjustmentView })
  @ApiUnprocessableEntityResponse({ description: 'ADJUSTMENT_REASON_REQUIRED', type: ErrorBody })
  create(@Body() dto: CreateAdjustmentDto, @CurrentUser() user: AuthUser): Promise<AdjustmentView> {
    return this.adjustments.create(dto, user);
  }

  @Get()
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'Adjustments, newest first (optionally of one referrer)' })
  @ApiQuery({ name: 'referrerId', required: false, description: 'Only this referrer' })
  @ApiOkResponse({ type: [AdjustmentView] })
  list(@Query('referrerId', new ParseUUIDPipe({ optional: true })) referrerId?: string): Promise<Omit<AdjustmentView, 'availableAfter'>[]> {
    return this.adjustments.list(referrerId);
  }
}
