import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { CreateWebhookEndpointDto, RedeliveryView, UpdateWebhookEndpointDto, WebhookDeliveryPageView, WebhookEndpointView, WebhookEndpointWithSecretView } from './webhook-endpoints.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhooks')
@Controller('api/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Register an endpoint; the answer carries its signing secret, shown only this once' })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretView })
  @ApiUnprocessableEntityResponse({ description: 'WEBHOOK_URL_INVALID, WEBHOOK_EVENT_TYPES_INVALID', type: ErrorBody })
  create(@Body() dto: CreateWebhookEndpointDto, @CurrentUser() user: AuthUser): Promise<WebhookEndpointWithSecretView> {
    return this.endpoints.create(dto, user);
  }

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Every endpoint, with its queue (pending, given up) and last delivery' })
  @ApiOkResponse({ type: [WebhookEndpointView] })
  list(): Promise<WebhookEndpointView[]> {
    return this.endpoints.list();
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiNotFoundResponse({ description: 'WEBHOOK_ENDPOINT_NOT_FOUND', type: ErrorBody })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookEndpointView> {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change the URL, event types or note, or turn the endpoint off/on (on resumes its queue)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiUnprocessableEntityResponse({ description: 'WEBHOOK_URL_INVALID, WEBHOOK_EVENT_TYPES_INVALID', type: ErrorBody })
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @Roles(Role.Admin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the endpoint and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the signing secret (the old one stops at once); the new one is shown only in this answer' })
  @ApiOkResponse({ type: WebhookEndpointWithSecretView })
  rotate(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookEndpointWithSecretView> {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Delivery log: deliveries (newest event first) with every attempt (request body, response code and time, error)' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'failed'], description: 'Only deliveries in this state' })
  @ApiQuery({ name: 'limit', required: false, description: 'At most this many (1–200, default 50)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Skip this many' })
  @ApiOkResponse({ type: WebhookDeliveryPageView })
  deliveries(@Param('id', new ParseUUIDPipe()) id: string, @Query('status') status?: string, @Query('limit') limit?: string, @Query('offset') offset?: string): Promise<WebhookDeliveryPageView> {
    return this.endpoints.deliveries(id, { status, limit: toInt(limit, 50), offset: toInt(offset, 0) });
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @ApiParam({ name: 'id', description: 'Webhook endpoint id' })
  @ApiParam({ name: 'deliveryId', description: 'Delivery id (from the delivery log)' })
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a delivery again now, signed afresh (same event id and body); a 2xx settles it' })
  @ApiOkResponse({ type: RedeliveryView })
  @ApiNotFoundResponse({ description: 'WEBHOOK_ENDPOINT_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND', type: ErrorBody })
  redeliver(@Param('id', new ParseUUIDPipe()) id: string, @Param('deliveryId') deliveryId: string): Promise<RedeliveryView> {
    return this.endpoints.redeliver(id, deliveryId);
  }
}

function toInt(v: string | undefined, fallback: number): number {
  return typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : fallback;
}
