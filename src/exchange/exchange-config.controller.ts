import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { NewTagDto, TagView } from './tags/tag.dto';
import { TagService } from './tags/tag.service';
import { ExchangeSettingsView, UpdateExchangeSettingsDto } from './settings/settings.dto';
import { ExchangeSettingsService } from './settings/settings.service';
import { NewRulesVersionDto, RulesVersionView } from './rules/rules.dto';
import { RulesService } from './rules/rules.service';

/** The operator's reference data: rules versions, expertise tags, scoring and routing settings. */
@ApiTags('exchange')
@Controller('api/exchange')
export class ExchangeConfigController {
  constructor(
    private readonly rules: RulesService,
    private readonly tags: TagService,
    private readonly settings: ExchangeSettingsService,
  ) {}

  @Get('rules')
  @Public()
  @ApiOperation({ summary: 'The current exchange rules an applicant accepts' })
  @ApiOkResponse({ type: RulesVersionView })
  current(): Promise<RulesVersionView> {
    return this.rules.current();
  }

  @Get('rules/history')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Every rules version, newest first' })
  @ApiOkResponse({ type: [RulesVersionView] })
  history(): Promise<RulesVersionView[]> {
    return this.rules.history();
  }

  @Post('rules')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Publish a new rules version (earlier versions never change)' })
  @ApiCreatedResponse({ type: RulesVersionView })
  publish(@Body() dto: NewRulesVersionDto, @CurrentUser() user: AuthUser): Promise<RulesVersionView> {
    return this.rules.publish(dto.text, user.id);
  }

  @Get('tags')
  @Public()
  @ApiOperation({ summary: 'The expertise tags members and leads may use' })
  @ApiOkResponse({ type: [TagView] })
  listTags(): Promise<TagView[]> {
    return this.tags.list();
  }

  @Post('tags')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Add an expertise tag' })
  @ApiCreatedResponse({ type: TagView })
  addTag(@Body() dto: NewTagDto): Promise<TagView> {
    return this.tags.create(dto);
  }

  @Get('settings')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Scoring rules, qualification thresholds, answer time, stale period and referral fee' })
  @ApiOkResponse({ type: ExchangeSettingsView })
  getSettings(): Promise<ExchangeSettingsView> {
    return this.settings.view();
  }

  @Put('settings')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change the exchange settings (validated whole: a rule set that could score outside 1–5 is refused)' })
  @ApiOkResponse({ type: ExchangeSettingsView })
  putSettings(@Body() dto: UpdateExchangeSettingsDto, @CurrentUser() user: AuthUser): Promise<ExchangeSettingsView> {
    return this.settings.update(dto, user.id);
  }
}
