import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ReferrerService } from '../referrers/referrer.service';
import { ReferrerDashboardView } from './referrer-dashboard.dto';
import { ReferrerDashboardService } from './referrer-dashboard.service';

@ApiTags('referrers')
@Controller('api/referrers/me')
export class ReferrerDashboardController {
  constructor(
    private readonly dashboards: ReferrerDashboardService,
    private readonly referrers: ReferrerService,
  ) {}

  @Get('dashboard')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Your figures at a glance: link visits (people, bots), suppliers signed up and paying, balances, earnings by month, the next payout and what stands in its way, the path per code' })
  @ApiOkResponse({ type: ReferrerDashboardView })
  async dashboard(@CurrentUser() user: AuthUser): Promise<ReferrerDashboardView> {
    return this.dashboards.dashboard(await this.referrers.referrerIdOfUser(user.id));
  }
}
