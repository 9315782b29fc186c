import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { CampaignView, CreateCampaignDto, PreviewView, ScheduleCampaignDto, TestSendDto, TestSendView, UpdateCampaignDto } from './campaign.dto';
import { CampaignService } from './campaign.service';

@ApiTags('campaigns')
@Controller('api/campaigns')
export class CampaignController {
  constructor(private readonly campaigns: CampaignService) {}

  @Post()
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Create a draft campaign; the template is compiled now (syntax errors and unknown partials refused)' })
  @ApiCreatedResponse({ type: CampaignView })
  create(@Body() dto: CreateCampaignDto, @CurrentUser() user: AuthUser): Promise<CampaignView> {
    return this.campaigns.create(dto, user.id);
  }

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Campaigns, newest first, with progress' })
  @ApiOkResponse({ type: [CampaignView] })
  list(): Promise<CampaignView[]> {
    return this.campaigns.list();
  }

  @Get(':id')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'A campaign and its sending progress' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  get(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Edit a draft' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  update(@Param('id') id: string, @Body() dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.campaigns.update(id, dto);
  }

  @Post(':id/preview')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Render the message for a sample recipient (the audience\'s first contact)' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: PreviewView })
  preview(@Param('id') id: string): Promise<PreviewView> {
    return this.campaigns.preview(id);
  }

  @Post(':id/test')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the sample message to one address' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: TestSendView })
  test(@Param('id') id: string, @Body() dto: TestSendDto): Promise<TestSendView> {
    return this.campaigns.testSend(id, dto.to);
  }

  @Post(':id/schedule')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Start sending now, or at the given time; refused when nobody can be mailed' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  schedule(@Param('id') id: string, @Body() dto: ScheduleCampaignDto): Promise<CampaignView> {
    return this.campaigns.schedule(id, dto.at);
  }

  @Post(':id/pause')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause sending (messages in flight finish)' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  pause(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.pause(id);
  }

  @Post(':id/resume')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  resume(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.resume(id);
  }

  @Post(':id/cancel')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: recipients not yet sent are never sent' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ type: CampaignView })
  cancel(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.cancel(id);
  }
}
