import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { ApiKeysService } from '../auth/api-keys.service';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-keys.dto';

@ApiTags('api-keys')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Make an API key acting with a staff role; the key is shown only in this answer (stored hashed)' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(@Body() dto: CreateApiKeyDto, @CurrentUser() user: AuthUser): Promise<CreatedApiKeyView> {
    return this.keys.create(dto.name, dto.role, user);
  }

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Every API key (live first), with its prefix and last use; never the key itself' })
  @ApiOkResponse({ type: [ApiKeyView] })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Post(':id/revoke')
  @ApiParam({ name: 'id', description: 'API key id' })
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: the next request with it answers 401' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND', type: ErrorBody })
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<ApiKeyView> {
    return this.keys.revoke(id, user);
  }
}
