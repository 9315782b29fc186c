import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class AddSuppressionDto {
  @ApiProperty({ description: 'Address never to mail again' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Why: unsubscribed, hard_bounce, complaint or manual', enum: ['unsubscribed', 'hard_bounce', 'complaint', 'manual'] })
  @IsIn(['unsubscribed', 'hard_bounce', 'complaint', 'manual'])
  reason: 'unsubscribed' | 'hard_bounce' | 'complaint' | 'manual';

  @ApiPropertyOptional({ description: 'Free-text note (e.g. the ticket that asked for it)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  detail?: string;
}

export class SuppressionView {
  @ApiProperty({ description: 'Suppressed address, lower-case' })
  email: string;
  @ApiProperty({ description: 'unsubscribed, hard_bounce, complaint or manual' })
  reason: string;
  @ApiProperty({ description: 'Campaign that caused it, if any', nullable: true, type: String })
  campaignId: string | null;
  @ApiProperty({ description: 'Detail: SMTP reply, DSN status or note', nullable: true, type: String })
  detail: string | null;
  @ApiProperty({ description: 'When it was suppressed' })
  createdAt: Date;
}
