import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { AnalyticsQuery, ExchangeAnalyticsView } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@ApiTags('exchange')
@Controller('api/exchange/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'For leads submitted in a period: by source and channel (cost per lead, deals won, won value, cost per won deal), acceptance, time to first contact, win rates, tag conversion' })
  @ApiOkResponse({ type: ExchangeAnalyticsView })
  report(@Query() q: AnalyticsQuery): Promise<ExchangeAnalyticsView> {
    return this.analytics.report(periodOf(q));
  }
}

/** The period a query names (ISO instants, validated by the DTO). */
export function periodOf(q: AnalyticsQuery): { from: Date | null; to: Date | null } {
  return { from: q.from ? new Date(q.from) : null, to: q.to ? new Date(q.to) : null };
}
