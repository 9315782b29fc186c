import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';

export class CreateCampaignDto {
  @ApiProperty({ description: 'Internal name of the campaign', example: 'Buyers, November' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'Audience to send to' })
  @IsUUID()
  audienceId: string;

  @ApiProperty({ description: 'Subject line (Handlebars; e.g. "{{firstName}}, earn with your suppliers")' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  subject: string;

  @ApiProperty({ description: 'HTML body (Handlebars): variables name, firstName, company, email, attributes.*, registrationLink; partials button, signature' })
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  body: string;
}

export class UpdateCampaignDto {
  @ApiPropertyOptional({ description: 'Internal name of the campaign' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Audience to send to' })
  @IsOptional()
  @IsUUID()
  audienceId?: string;

  @ApiPropertyOptional({ description: 'Subject line (Handlebars)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  subject?: string;

  @ApiPropertyOptional({ description: 'HTML body (Handlebars)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  body?: string;
}

export class ScheduleCampaignDto {
  @ApiPropertyOptional({ description: 'When to start sending (ISO 8601, in the future: a past time is refused with SCHEDULE_IN_PAST); absent: start now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class TestSendDto {
  @ApiProperty({ description: 'Address the test message goes to (rendered with a sample recipient)' })
  @IsEmail()
  @MaxLength(254)
  to: string;
}

export class CampaignProgressView {
  @ApiProperty({ description: 'Recipients listed when sending started (audience minus suppressed)' })
  listed: number;
  @ApiProperty({ description: 'Recipients whose message got a final SMTP answer (accepted or rejected)' })
  sent: number;
  @ApiProperty({ description: 'Recipients bounced (5xx at send or a later DSN)' })
  bounced: number;
  @ApiProperty({ description: 'Recipients given up after repeated temporary failures' })
  failed: number;
  @ApiProperty({ description: 'Recipients skipped because they were suppressed after listing' })
  skipped: number;
  @ApiProperty({ description: 'Recipients still to send' })
  remaining: number;
  @ApiProperty({ description: 'Share done, in basis points' })
  doneBp: number;
  @ApiProperty({ description: 'sent − bounced' })
  delivered: number;
  @ApiProperty({ description: 'Unique recipients opened by a person (machine opens apart, see the funnel)' })
  opened: number;
  @ApiProperty({ description: 'Referrers registered through the campaign\'s links' })
  registered: number;
}

export class CampaignView {
  @ApiProperty({ description: 'Campaign id' })
  id: string;
  @ApiProperty({ description: 'Internal name' })
  name: string;
  @ApiProperty({ description: 'Audience id' })
  audienceId: string;
  @ApiProperty({ description: 'Audience name' })
  audienceName: string;
  @ApiProperty({ description: 'Subject template' })
  subject: string;
  @ApiProperty({ description: 'Body template' })
  body: string;
  @ApiProperty({ description: 'draft, scheduled, sending, paused, sent or cancelled' })
  status: CampaignStatus;
  @ApiProperty({ description: 'Planned start', nullable: true, type: Date })
  scheduledAt: Date | null;
  @ApiProperty({ description: 'When sending started', nullable: true, type: Date })
  startedAt: Date | null;
  @ApiProperty({ description: 'When the last recipient was done', nullable: true, type: Date })
  finishedAt: Date | null;
  @ApiProperty({ description: 'Why the campaign stopped on its own, if it did', nullable: true, type: String })
  note: string | null;
  @ApiProperty({ description: 'Created at' })
  createdAt: Date;
  @ApiProperty({ description: 'Where its messages go now: smtp (sent) or outbox (kept, not sent: no SMTP server configured)', enum: ['smtp', 'outbox'] })
  delivery: 'smtp' | 'outbox';
  @ApiProperty({ description: 'Messages of this campaign kept in the outbox instead of being sent' })
  outboxed: number;
  @ApiProperty({ description: 'Sending progress, from counters', type: CampaignProgressView })
  progress: CampaignProgressView;
}

export class PreviewView {
  @ApiProperty({ description: 'Rendered subject' })
  subject: string;
  @ApiProperty({ description: 'Rendered HTML part, CSS inlined' })
  html: string;
  @ApiProperty({ description: 'Plain-text part' })
  text: string;
}

export class TestSendView {
  @ApiProperty({ description: 'Where it went' })
  to: string;
  @ApiProperty({ description: 'Message-ID' })
  messageId: string;
  @ApiProperty({ description: 'smtp: handed to the SMTP server; outbox: kept in the outbox, not sent (no SMTP server configured)', enum: ['smtp', 'outbox'] })
  delivery: 'smtp' | 'outbox';
}
