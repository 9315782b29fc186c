import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class FinanceAuditQuery {
  @ApiPropertyOptional({ description: 'Only entries at or after this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Only entries before this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'Only this action, e.g. payout.approve' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  action?: string;

  @ApiPropertyOptional({ description: 'Only entries about this subject (batch, item, referrer id)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subjectId?: string;

  @ApiPropertyOptional({ description: 'Only entries by this user (email, exact, any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actor?: string;

  @ApiPropertyOptional({ description: 'Skip this many of the newest matching entries (paging)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  offset?: number;

  @ApiPropertyOptional({ description: 'Most entries to return, newest first (1–1000, default 200)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class FinanceAuditView {
  @ApiProperty({ description: 'Entry id (increasing)' })
  id: string;
  @ApiProperty({ description: 'When the action happened' })
  at: Date;
  @ApiProperty({ description: 'User id of the finance user who acted', nullable: true, type: String })
  actorId: string | null;
  @ApiProperty({ description: 'Email of the user who acted' })
  actorEmail: string;
  @ApiProperty({ description: 'What was done, e.g. payout.create, payout.approve, adjustment.create' })
  action: string;
  @ApiProperty({ description: 'Kind of object acted on: payout_batch, payout_item, referrer, period' })
  subjectType: string;
  @ApiProperty({ description: 'Id of the object acted on', nullable: true, type: String })
  subjectId: string | null;
  @ApiProperty({ description: 'State before the action (JSON)', nullable: true, type: Object })
  before: unknown;
  @ApiProperty({ description: 'State after the action (JSON)', nullable: true, type: Object })
  after: unknown;
  @ApiProperty({ description: 'Parameters and figures of the action (JSON)', nullable: true, type: Object })
  details: unknown;
}
