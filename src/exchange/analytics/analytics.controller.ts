import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/access.decorators';
import { Role } from '../../auth/role';
import { ExchangeAnalyticsView } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@ApiTags('exchange')
@Controller('api/exchange/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Leads by source and channel, cost per lead, acceptance, time to first contact, win rates, tag conversion' })
  @ApiOkResponse({ type: ExchangeAnalyticsView })
  report(): Promise<ExchangeAnalyticsView> {
    return this.analytics.report();
  }
}
