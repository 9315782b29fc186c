import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { AudienceImportService } from './audience-import.service';
import { AudienceView, CreateAudienceDto, ImportReportView } from './audience.dto';
import { pickLocale } from '../i18n/messages';
import { AudienceErrorCode, AudienceException } from './audience.exception';
import { AudienceService } from './audience.service';

@ApiTags('audiences')
@Controller('api/audiences')
export class AudienceController {
  constructor(
    private readonly audiences: AudienceService,
    private readonly imports: AudienceImportService,
  ) {}

  @Post()
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Create an audience' })
  @ApiCreatedResponse({ type: AudienceView })
  create(@Body() dto: CreateAudienceDto, @CurrentUser() user: AuthUser): Promise<AudienceView> {
    return this.audiences.create(dto.name, user.id);
  }

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Audiences with their contact counts' })
  @ApiOkResponse({ type: [AudienceView] })
  list(): Promise<AudienceView[]> {
    return this.audiences.list();
  }

  @Get(':id')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'One audience' })
  @ApiParam({ name: 'id', description: 'Audience id' })
  @ApiOkResponse({ type: AudienceView })
  get(@Param('id') id: string): Promise<AudienceView> {
    return this.audiences.get(id);
  }

  @Post(':id/imports')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({
    summary:
      'Import a CSV (request body, Content-Type text/csv), streamed: columns email (required), name, company, others kept as attributes. Rows are validated, deduplicated by address and suppressed addresses skipped; a broken file imports nothing.',
  })
  @ApiParam({ name: 'id', description: 'Audience id' })
  @ApiQuery({ name: 'delimiter', required: false, description: 'Field delimiter: , (default) ; | or tab' })
  @ApiQuery({ name: 'filename', required: false, description: 'Original file name, kept in the report' })
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'The CSV file', schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: ImportReportView })
  async import(@Param('id') id: string, @Req() req: Request, @CurrentUser() user: AuthUser, @Query('delimiter') delimiter?: string, @Query('filename') filename?: string): Promise<ImportReportView> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!['text/csv', 'text/plain', 'application/csv', 'application/octet-stream'].includes(type)) {
      req.resume();
      throw new AudienceException(AudienceErrorCode.AUDIENCE_UNSUPPORTED_MEDIA_TYPE, `Send the file as the request body with Content-Type text/csv (got "${type || 'none'}")`);
    }
    if (delimiter !== undefined && ![',', ';', '|', '\t', 'tab'].includes(delimiter)) {
      req.resume();
      throw new AudienceException(AudienceErrorCode.CSV_MALFORMED, 'delimiter must be one of , ; | tab', { field: 'delimiter' });
    }
    const declared = req.headers['content-length'] ? Number(req.headers['content-length']) : undefined;
    const locale = pickLocale(req.query.lang, (req.cookies as Record<string, unknown> | undefined)?.lang, req.headers['accept-language']);
    return this.imports.importCsv(id, req, { filename, userId: user.id, delimiter: delimiter === 'tab' ? '\t' : delimiter, declaredBytes: declared, locale });
  }

  @Get(':id/imports/:importId')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'The report of an earlier import' })
  @ApiParam({ name: 'id', description: 'Audience id' })
  @ApiParam({ name: 'importId', description: 'Import id' })
  @ApiOkResponse({ type: ImportReportView })
  report(@Param('id') id: string, @Param('importId') importId: string): Promise<ImportReportView> {
    return this.audiences.importReport(id, importId);
  }
}
