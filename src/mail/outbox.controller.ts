import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { OutboxMessageView, OutboxPageView, OutboxQuery } from './outbox.dto';
import { OutboxService } from './outbox.service';

@ApiTags('outbox')
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Emails kept while no SMTP server is configured, newest first; search by recipient or subject' })
  @ApiOkResponse({ type: OutboxPageView })
  list(@Query() query: OutboxQuery): Promise<OutboxPageView> {
    return this.outbox.list(query);
  }

  @Get(':id')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'One kept email: HTML, text part and headers' })
  @ApiParam({ name: 'id', description: 'Outbox message id' })
  @ApiOkResponse({ type: OutboxMessageView })
  get(@Param('id') id: string): Promise<OutboxMessageView> {
    return this.outbox.get(id);
  }
}
