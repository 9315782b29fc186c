import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAIL_KINDS, MailKind } from './outbox.repository';

export class OutboxQuery {
  @ApiPropertyOptional({ description: 'Part of the recipient address or of the subject (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Page number, from 1', default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;

  @ApiPropertyOptional({ description: 'Messages per page (1–200)', default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  perPage?: number;
}

export class OutboxSummaryView {
  @ApiProperty({ description: 'Outbox message id' })
  id: string;
  @ApiProperty({ description: 'When it was kept' })
  createdAt: Date;
  @ApiProperty({ description: 'What the message is', enum: MAIL_KINDS })
  kind: MailKind;
  @ApiProperty({ description: 'Recipient address' })
  to: string;
  @ApiProperty({ description: 'Sender (From header)' })
  from: string;
  @ApiProperty({ description: 'Subject' })
  subject: string;
  @ApiProperty({ description: 'Ids of what it is about (campaignId, sendId, payoutItemId…)', type: 'object', additionalProperties: { type: 'string' } })
  related: Record<string, string>;
  @ApiProperty({ description: 'Message-ID header' })
  messageId: string;
}

export class OutboxPageView {
  @ApiProperty({ description: 'Messages matching the search, in all pages' })
  total: number;
  @ApiProperty({ description: 'This page, from 1' })
  page: number;
  @ApiProperty({ description: 'Messages per page' })
  perPage: number;
  @ApiProperty({ description: 'Where new mail goes now: smtp (sent, not kept) or outbox', enum: ['smtp', 'outbox'] })
  delivery: 'smtp' | 'outbox';
  @ApiProperty({ description: 'Newest first', type: [OutboxSummaryView] })
  items: OutboxSummaryView[];
}

export class OutboxMessageView extends OutboxSummaryView {
  @ApiProperty({ description: 'HTML part, CSS inlined, tracking links as sent' })
  html: string;
  @ApiProperty({ description: 'Plain-text part' })
  text: string;
  @ApiProperty({ description: 'Headers, including List-Unsubscribe', type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;
}
