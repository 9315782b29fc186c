import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class CreateAdjustmentDto {
  @ApiProperty({ description: 'Referrer whose available balance changes' })
  @IsUUID()
  referrerId: string;

  @ApiProperty({ description: 'Minor units as a string: positive credits the referrer, negative debits', example: '-5000' })
  @IsString()
  @Matches(/^-?[1-9]\d{0,17}$/, { message: 'amount must be a non-zero integer of minor units, as a string' })
  amount: string;

  @ApiPropertyOptional({ description: 'ISO 4217 currency (default: the program currency)' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in capitals' })
  currency?: string;

  @ApiProperty({ description: 'Why (mandatory; shown in the referrer\'s statement and the audit log)', example: 'Commission for an offline invoice' })
  @IsString({ message: 'reason is required: say why the balance changes' })
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({ description: 'Chosen by the client, once per intended adjustment: the same key posts once (a repeat answers with the first adjustment; the same key with other values is refused)', example: '2f1c9a7e-1b7d-4c52-9a53-3f0f1f1f2a10' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:.-]{8,100}$/, { message: 'idempotencyKey must be 8–100 letters, digits or _:.-' })
  idempotencyKey?: string;
}

export class AdjustmentView {
  @ApiProperty({ description: 'Adjustment id' })
  id: string;
  @ApiProperty({ description: 'Referrer' })
  referrerId: string;
  @ApiProperty({ description: 'Signed amount, minor units' })
  amount: string;
  @ApiProperty({ description: 'Currency' })
  currency: string;
  @ApiProperty({ description: 'Reason given' })
  reason: string;
  @ApiProperty({ description: 'Finance user who posted it' })
  createdBy: string;
  @ApiProperty({ description: 'When' })
  createdAt: Date;
  @ApiProperty({ description: 'Referrer\'s available balance after it, minor units (for a repeated key: the balance now)' })
  availableAfter: string;
  @ApiPropertyOptional({ description: 'True when the idempotency key had already posted this adjustment and nothing new was posted' })
  replayed?: boolean;
}
