import { ApiProperty } from '@nestjs/swagger';

export class WebhookAckView {
  @ApiProperty({ description: 'Always true: the event is stored (or was already)' })
  received: boolean;
  @ApiProperty({ description: 'True when this event id had been received before (nothing new stored)' })
  duplicate: boolean;
}

export class WebhookEventView {
  @ApiProperty({ description: 'Stripe event id (evt_...)' })
  id: string;
  @ApiProperty({ description: 'Stripe event type, e.g. invoice.paid' })
  type: string;
  @ApiProperty({ description: 'received (not processed yet), processed, ignored (no handler for the type) or failed' })
  status: string;
  @ApiProperty({ description: 'Processing attempts so far' })
  attempts: number;
  @ApiProperty({ description: 'Why the last attempt failed', nullable: true, type: String })
  lastError: string | null;
  @ApiProperty({ description: 'When the event arrived' })
  receivedAt: Date;
  @ApiProperty({ description: 'When it was processed', nullable: true, type: Date })
  processedAt: Date | null;
  @ApiProperty({ description: 'When the retry job tries a failed event next', nullable: true, type: Date })
  nextAttemptAt: Date | null;
}

export class WebhookRetryReportView {
  @ApiProperty({ description: 'Events tried' })
  tried: number;
  @ApiProperty({ description: 'Events processed (or found already processed) now' })
  processed: number;
  @ApiProperty({ description: 'Events that failed again' })
  failed: number;
}
