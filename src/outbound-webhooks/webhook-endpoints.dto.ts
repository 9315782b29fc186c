import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';

export class CreateWebhookEndpointDto {
  @ApiProperty({ description: 'Where events are POSTed: https, or http to localhost/127.0.0.1 outside production', example: 'https://erp.example.com/handshake/webhooks' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ description: 'Event types this endpoint receives', enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['commission.earned', 'payout.paid'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes: string[];

  @ApiPropertyOptional({ description: 'A note for people: what receives the events', example: 'ERP commissions import' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ description: 'New URL (same rules as on creation)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'New set of event types', enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'New note (empty string clears it)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ description: 'false turns the endpoint off (no new events, nothing sent); true turns it back on and resumes its queue' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointView {
  @ApiProperty({ description: 'Endpoint id' })
  id: string;
  @ApiProperty({ description: 'Where events are POSTed' })
  url: string;
  @ApiProperty({ description: 'Note for people', nullable: true, type: String })
  description: string | null;
  @ApiProperty({ description: 'Event types it receives', enum: WEBHOOK_EVENT_TYPES, isArray: true })
  eventTypes: string[];
  @ApiProperty({ description: 'Whether events are queued and sent to it' })
  enabled: boolean;
  @ApiProperty({ description: 'Why it was turned off (persistent failure), if it was', nullable: true, type: String })
  disabledReason: string | null;
  @ApiProperty({ description: 'When it was turned off', nullable: true, type: Date })
  disabledAt: Date | null;
  @ApiProperty({ description: 'Deliveries waiting to be sent' })
  pending: number;
  @ApiProperty({ description: 'Deliveries given up after every retry' })
  failed: number;
  @ApiProperty({ description: 'Last successful delivery', nullable: true, type: Date })
  lastDeliveredAt: Date | null;
  @ApiProperty({ description: 'When it was registered' })
  createdAt: Date;
}

export class WebhookEndpointWithSecretView extends WebhookEndpointView {
  @ApiProperty({ description: 'Signing secret (whsec_…): shown only in this answer; store it now', example: 'whsec_3f1c…' })
  secret: string;
}

export class WebhookAttemptView {
  @ApiProperty({ description: 'Attempt id' })
  id: string;
  @ApiProperty({ description: 'Sent by an admin (redeliver) rather than the queue' })
  manual: boolean;
  @ApiProperty({ description: 'When the request started' })
  startedAt: Date;
  @ApiProperty({ description: 'The exact JSON body sent (and signed)' })
  requestBody: string;
  @ApiProperty({ description: 'HTTP status answered, none when no answer came', nullable: true, type: Number })
  responseStatus: number | null;
  @ApiProperty({ description: 'Time to the answer (or the failure), milliseconds' })
  responseMs: number;
  @ApiProperty({ description: 'Start of the answer body (up to 2,000 characters)', nullable: true, type: String })
  responseBody: string | null;
  @ApiProperty({ description: 'What went wrong (HTTP status, timeout, connection error); none on success', nullable: true, type: String })
  error: string | null;
}

export class WebhookDeliveryView {
  @ApiProperty({ description: 'Delivery id' })
  id: string;
  @ApiProperty({ description: 'Event id (the body\'s id; stable across retries)' })
  eventId: string;
  @ApiProperty({ description: 'Event type', enum: WEBHOOK_EVENT_TYPES })
  eventType: string;
  @ApiProperty({ description: 'pending (queued or retrying), delivered, or failed (given up)', enum: ['pending', 'delivered', 'failed'] })
  status: string;
  @ApiProperty({ description: 'Attempts made by the queue' })
  attempts: number;
  @ApiProperty({ description: 'Next attempt (pending only)', nullable: true, type: Date })
  nextAttemptAt: Date | null;
  @ApiProperty({ description: 'HTTP status of the last attempt', nullable: true, type: Number })
  lastStatus: number | null;
  @ApiProperty({ description: 'Error of the last attempt', nullable: true, type: String })
  lastError: string | null;
  @ApiProperty({ description: 'When it succeeded', nullable: true, type: Date })
  deliveredAt: Date | null;
  @ApiProperty({ description: 'When the event was queued for this endpoint' })
  createdAt: Date;
  @ApiProperty({ description: 'Every attempt, oldest first', type: [WebhookAttemptView] })
  attemptLog: WebhookAttemptView[];
}

export class WebhookDeliveryPageView {
  @ApiProperty({ description: 'Deliveries, newest event first', type: [WebhookDeliveryView] })
  items: WebhookDeliveryView[];
  @ApiProperty({ description: 'How many deliveries match' })
  total: number;
}

export class RedeliveryView {
  @ApiProperty({ description: 'Whether the receiver answered 2xx' })
  ok: boolean;
  @ApiProperty({ description: 'HTTP status answered', nullable: true, type: Number })
  status: number | null;
  @ApiProperty({ description: 'Time to the answer, milliseconds' })
  ms: number;
  @ApiProperty({ description: 'What went wrong', nullable: true, type: String })
  error: string | null;
  @ApiProperty({ description: 'The delivery after the attempt', type: WebhookDeliveryView })
  delivery: WebhookDeliveryView;
}
