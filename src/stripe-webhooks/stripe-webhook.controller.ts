import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { WebhookAckView, WebhookEventView, WebhookRetryReportView } from './stripe-webhook.dto';
import { StripeInboxService } from './stripe-inbox.service';

const STATUSES = ['received', 'processed', 'ignored', 'failed', 'dead_letter'];

@ApiTags('stripe-webhooks')
@Controller('api/stripe/webhooks')
export class StripeWebhookController {
  constructor(private readonly inbox: StripeInboxService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook endpoint: verifies the signature on the raw body, stores the event by id and answers; processing follows' })
  @ApiHeader({ name: 'stripe-signature', required: true, description: 'Stripe-Signature header: timestamp and HMAC-SHA256 of the raw body with the endpoint secret' })
  @ApiOkResponse({ type: WebhookAckView })
  @ApiBadRequestResponse({ description: 'WEBHOOK_SIGNATURE_INVALID (bad signature or timestamp outside tolerance); nothing is stored', type: ErrorBody })
  receive(@Req() req: Request & { rawBody?: Buffer }, @Headers('stripe-signature') signature?: string): Promise<WebhookAckView> {
    return this.inbox.receive(req.rawBody, signature);
  }

  @Get('events')
  @Roles(Role.Admin, Role.Finance)
  @ApiOperation({ summary: 'Stored Stripe events, newest first; ?status=failed shows what failed and why, ?status=dead_letter what gave up retrying' })
  @ApiQuery({ name: 'status', required: false, description: 'received, processed, ignored, failed or dead_letter' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1–500 (default 50)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Rows to skip (default 0)' })
  @ApiOkResponse({ type: [WebhookEventView] })
  list(@Query('status') status?: string, @Query('limit') limit?: string, @Query('offset') offset?: string): Promise<WebhookEventView[]> {
    const size = Math.min(Math.max(Number.parseInt(limit ?? '50', 10) || 50, 1), 500);
    return this.inbox.list(status && STATUSES.includes(status) ? status : undefined, size, Math.max(Number.parseInt(offset ?? '0', 10) || 0, 0));
  }

  @Get('events/:id')
  @Roles(Role.Admin, Role.Finance)
  @ApiOperation({ summary: 'One stored Stripe event and its processing state' })
  @ApiParam({ name: 'id', description: 'Stripe event id (evt_...)' })
  @ApiOkResponse({ type: WebhookEventView })
  one(@Param('id') id: string): Promise<WebhookEventView> {
    return this.inbox.one(id);
  }

  @Post('events/:id/retry')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Process a received, failed or dead-lettered event now (a processed one is left alone)' })
  @ApiParam({ name: 'id', description: 'Stripe event id (evt_...)' })
  @ApiOkResponse({ type: WebhookEventView })
  retry(@Param('id') id: string): Promise<WebhookEventView> {
    return this.inbox.retryOne(id);
  }

  @Post('retry-due')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the retry job now: failed events whose retry time has come and received events left unprocessed' })
  @ApiOkResponse({ type: WebhookRetryReportView })
  retryDue(): Promise<WebhookRetryReportView> {
    return this.inbox.retryDue();
  }

  @Post('dead-letters/retry')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry every dead-lettered event once (after fixing what they lacked); one that fails again stays a dead letter' })
  @ApiOkResponse({ type: WebhookRetryReportView })
  retryDeadLetters(): Promise<WebhookRetryReportView> {
    return this.inbox.retryDeadLetters();
  }
}
