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
  @ApiProperty({ description: 'received (not processed yet), processed, ignored (no handler for the type), failed (retried later) or dead_letter (failed too often; retried only by hand)' })
  status: string;
  @ApiProperty({ description: 'Processing attempts so far' })
  attempts: number;
  @ApiProperty({ description: 'Why the last attempt failed', nullable: true, type: String })
  lastError: string | null;
  @ApiProperty({ description: 'When the event arrived' })
  receivedAt: Date;
  @ApiProperty({ description: 'When it was processed', nullable: true, type: Date })
  processedAt: Date | null;
  @ApiProperty({ description: 'When the retry job tries a failed event next; null when processed or dead-lettered', nullable: true, type: Date })
  nextAttemptAt: Date | null;
  @ApiProperty({ description: 'When the event was (last) dead-lettered after too many failed attempts', nullable: true, type: Date })
  deadLetteredAt: Date | null;
}

export class WebhookRetryReportView {
  @ApiProperty({ description: 'Events tried' })
  tried: number;
  @ApiProperty({ description: 'Events processed (or found already processed) now' })
  processed: number;
  @ApiProperty({ description: 'Events that failed again and stay scheduled for another attempt' })
  failed: number;
  @ApiProperty({ description: 'Events that failed again and are dead letters now (attempts used up)' })
  deadLettered: number;
  @ApiProperty({ description: 'Dead letters waiting for an admin after this run' })
  deadLettersWaiting: number;
}
