import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ViewService } from '../web/view.service';
import { funnelCsv } from './funnel-report';
import { funnelPageData, timelineChart } from './funnel-page';
import { FunnelView } from './funnel.dto';
import { FunnelService } from './funnel.service';
import './funnel.messages';

@ApiTags('funnel')
@Controller()
export class FunnelController {
  constructor(
    private readonly funnel: FunnelService,
    private readonly views: ViewService,
  ) {}

  @Get('api/campaigns/:id/funnel')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'The campaign\'s funnel: every stage and rate, from counters (instant at any size)' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: FunnelView })
  json(@Param('id') id: string): Promise<FunnelView> {
    return this.funnel.funnel(id);
  }

  @Get('api/campaigns/:id/funnel.csv')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'The funnel as CSV: figures, then rates in basis points with numerator and denominator' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiProduces('text/csv')
  async csv(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const f = await this.funnel.funnel(id);
    res.type('text/csv').attachment(`funnel-${id}.csv`).send(funnelCsv(f.figures, f.rates));
  }

  @Get('console/campaigns/:id/funnel')
  @Roles(Role.Marketer, Role.Admin)
  @ApiExcludeEndpoint()
  async page(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const f = await this.funnel.funnel(id);
    const timeline = await timelineChart(this.views, req, this.funnel, id);
    this.views.render('campaign-funnel', req, res, { title: this.views.t(req, 'funnel.title', { name: f.campaignName }), timeline, ...funnelPageData(this.views, req, f) });
  }
}
