import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { DealService } from '../deals/deal.service';
import { MemberService } from '../members/member.service';
import { NurtureService } from '../nurture/nurture.service';
import { RoutingService } from '../routing/routing.service';
import { CsvImportDto, CsvImportView, DealStatusDto, DeclineDto, HandoffDto, LeadView, NurtureDto, NurtureView, OverrideScoreDto, RouteRunView, ScoreOverrideView, StaleLeadView, SubmitLeadDto, SubmittedLeadView } from './lead.dto';
import { LeadService } from './lead.service';

@ApiTags('exchange')
@ApiExtraModels(LeadView, SubmittedLeadView)
@Controller('api/exchange')
export class LeadController {
  constructor(
    private readonly leads: LeadService,
    private readonly routing: RoutingService,
    private readonly deals: DealService,
    private readonly members: MemberService,
    private readonly nurture: NurtureService,
  ) {}

  @Post('leads')
  @Roles(Role.Partner, Role.Admin)
  @ApiOperation({ summary: 'Submit a lead: it is scored, qualified and, when sales-ready, routed to one member' })
  @ApiCreatedResponse({ type: LeadView })
  async submit(@Body() dto: SubmitLeadDto, @CurrentUser() user: AuthUser): Promise<LeadView> {
    return this.leads.submit(dto, await this.leads.submitterFor(user), 'api');
  }

  @Post('leads/import')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'The operator imports leads from CSV (all rows validated first; duplicates flagged and skipped)' })
  @ApiCreatedResponse({ type: CsvImportView })
  async importCsv(@Body() dto: CsvImportDto, @CurrentUser() user: AuthUser): Promise<CsvImportView> {
    return this.leads.importCsv(dto.csv, { userId: user.id, memberId: null });
  }

  @Get('leads')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'All leads, best score first' })
  @ApiQuery({ name: 'qualification', required: false, description: 'sales_ready, nurture or disqualified' })
  @ApiQuery({ name: 'routingState', required: false, description: 'pending, offered, accepted, with_operator or not_routed' })
  @ApiQuery({ name: 'flagged', required: false, description: 'true: only flagged leads' })
  @ApiQuery({ name: 'q', required: false, description: 'Part of the company, contact name or contact email' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1–500 (default 100)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Rows to skip' })
  @ApiOkResponse({ type: [LeadView] })
  list(
    @Query('qualification') qualification?: string,
    @Query('routingState') routingState?: string,
    @Query('flagged') flagged?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
    @Query('q') q?: string,
  ): Promise<LeadView[]> {
    return this.leads.list({
      q: typeof q === 'string' ? q.slice(0, 200) : undefined,
      qualification: qualification || undefined,
      routingState: routingState || undefined,
      flagged: flagged === 'true',
      limit: Math.min(Math.max(Number.parseInt(limit ?? '100', 10) || 100, 1), 500),
      offset: Math.max(Number.parseInt(offset ?? '0', 10) || 0, 0),
    });
  }

  @Get('leads/submitted')
  @Roles(Role.Partner)
  @ApiOperation({ summary: 'Leads my company passed on, with their status (never the receiver\'s notes)' })
  @ApiOkResponse({ type: [SubmittedLeadView] })
  async submitted(@CurrentUser() user: AuthUser): Promise<SubmittedLeadView[]> {
    return this.leads.submittedBy((await this.members.memberOfUser(user.id)).id);
  }

  @Get('leads/inbox')
  @Roles(Role.Partner)
  @ApiOperation({ summary: 'Leads offered to or accepted by my company' })
  @ApiOkResponse({ type: [LeadView] })
  async inbox(@CurrentUser() user: AuthUser): Promise<LeadView[]> {
    return this.leads.inbox((await this.members.memberOfUser(user.id)).id);
  }

  @Get('leads/stale')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Accepted leads whose member has not updated them within the stale period' })
  @ApiOkResponse({ type: [StaleLeadView] })
  stale(): Promise<StaleLeadView[]> {
    return this.leads.stale();
  }

  @Post('route')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Route every pending sales-ready lead now (the cron job does this every minute)' })
  @ApiOkResponse({ type: RouteRunView })
  routeAll(): Promise<RouteRunView> {
    return this.routing.routePending();
  }

  @Get('leads/:id')
  @Roles(Role.Partner, Role.Admin)
  @ApiOperation({ summary: 'One lead: whole for the operator and the member it is routed to; status only for its submitter' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(LeadView) }, { $ref: getSchemaPath(SubmittedLeadView) }] } })
  one(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<LeadView | SubmittedLeadView> {
    return this.leads.viewFor(id, user);
  }

  @Post('leads/:id/accept')
  @Roles(Role.Partner)
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a lead offered to my company' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: LeadView })
  async accept(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<LeadView> {
    await this.routing.accept(id, (await this.members.memberOfUser(user.id)).id, user.id);
    return this.leads.receiverView(id);
  }

  @Post('leads/:id/decline')
  @Roles(Role.Partner)
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline a lead offered to my company; it goes to the next best member' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiNoContentResponse({ description: 'Declined' })
  async decline(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: DeclineDto, @CurrentUser() user: AuthUser): Promise<void> {
    await this.routing.decline(id, (await this.members.memberOfUser(user.id)).id, dto.reason);
  }

  @Post('leads/:id/handoff')
  @Roles(Role.Partner)
  @HttpCode(204)
  @ApiOperation({ summary: 'Write, once, why your company is right for this client (the submitter sees it)' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiNoContentResponse({ description: 'Written' })
  async handoff(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: HandoffDto, @CurrentUser() user: AuthUser): Promise<void> {
    await this.leads.writeHandoff(id, (await this.members.memberOfUser(user.id)).id, dto.text);
  }

  @Post('leads/:id/status')
  @Roles(Role.Partner)
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the deal forward: contacted → proposal → won (value) or lost (reason)' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: LeadView })
  async status(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: DealStatusDto, @CurrentUser() user: AuthUser): Promise<LeadView> {
    await this.deals.changeStatus(id, (await this.members.memberOfUser(user.id)).id, user.id, dto);
    return this.leads.receiverView(id);
  }

  @Post('leads/:id/scores')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Override one BANT score with a reason (audited); the lead is requalified' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: LeadView })
  override(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: OverrideScoreDto, @CurrentUser() user: AuthUser): Promise<LeadView> {
    return this.leads.overrideScore(id, dto, user.id);
  }

  @Get('leads/:id/score-overrides')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Who overrode which score of a lead, when and why' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: [ScoreOverrideView] })
  overrides(@Param('id', new ParseUUIDPipe()) id: string): Promise<ScoreOverrideView[]> {
    return this.leads.overrides(id);
  }

  @Post('leads/:id/route')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a lead left with the operator through routing again' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: RouteRunView })
  retry(@Param('id', new ParseUUIDPipe()) id: string): Promise<RouteRunView> {
    return this.routing.retry(id);
  }

  @Post('leads/:id/nurture')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand a nurture lead to the campaign tools: its contact is added to an audience' })
  @ApiParam({ name: 'id', description: 'Lead id' })
  @ApiOkResponse({ type: NurtureView })
  handToCampaigns(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: NurtureDto, @CurrentUser() user: AuthUser): Promise<NurtureView> {
    return this.nurture.hand(id, dto.audience, user.id);
  }
}
