import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { FEE_PAYERS, FeePayer } from '../fees/fee';

export class ExchangeSettingsView {
  @ApiProperty({ description: 'Rules mapping lead fields to BANT scores 1–5: budget bands (min in minor units), authority and need maps, timeline bands', type: Object })
  scoringRules: Record<string, unknown>;
  @ApiProperty({ description: 'A lead scoring at least this (1–625) is sales-ready and routed' })
  salesReadyMin: number;
  @ApiProperty({ description: 'A lead scoring at least this (and below sales-ready) is kept to nurture; below it, disqualified' })
  nurtureMin: number;
  @ApiProperty({ description: 'Minutes a member has to accept or decline an offered lead before it moves on' })
  acceptTimeoutMinutes: number;
  @ApiProperty({ description: 'An accepted lead with no status change for this many days counts as stale' })
  staleDays: number;
  @ApiProperty({ description: 'Referral fee on won deals: none (default), percent (of the won value) or fixed', enum: ['none', 'percent', 'fixed'] })
  feeKind: 'none' | 'percent' | 'fixed';
  @ApiProperty({ description: 'Fee in basis points of the won value when feeKind = percent' })
  feeBp: number;
  @ApiProperty({ description: 'Fixed fee in minor units when feeKind = fixed', type: String })
  feeFixed: bigint;
  @ApiProperty({ description: 'Who funds the referral fee: operator (the platform pays it) or receiving_member (the member that accepted and won the lead is debited)', enum: [...FEE_PAYERS] })
  feePayer: FeePayer;
  @ApiProperty({ description: 'best_match: each lead to the single best member; rotation: equally good matches share the work by capacity', enum: ['best_match', 'rotation'] })
  routingMode: string;
  @ApiProperty({ description: 'Currency of budgets, thresholds and fees (the program currency)' })
  currency: string;
}

export class UpdateExchangeSettingsDto {
  @ApiPropertyOptional({ description: 'New scoring rule set (replaces the old one whole)', type: Object })
  @IsOptional()
  @IsObject()
  scoringRules?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Sales-ready threshold, 1–625' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(625)
  salesReadyMin?: number;

  @ApiPropertyOptional({ description: 'Nurture threshold, 1–625, not above the sales-ready one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(625)
  nurtureMin?: number;

  @ApiPropertyOptional({ description: 'Minutes to answer an offer, 1–43200' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43200)
  acceptTimeoutMinutes?: number;

  @ApiPropertyOptional({ description: 'Days without a status change after which an accepted lead is stale, 1–365' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  staleDays?: number;

  @ApiPropertyOptional({ description: 'Fee kind on won deals', enum: ['none', 'percent', 'fixed'] })
  @IsOptional()
  @IsIn(['none', 'percent', 'fixed'])
  feeKind?: 'none' | 'percent' | 'fixed';

  @ApiPropertyOptional({ description: 'Fee in basis points (0–10000) for feeKind = percent' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  feeBp?: number;

  @ApiPropertyOptional({ description: 'Fixed fee in minor units (decimal string) for feeKind = fixed' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'feeFixed must be a non-negative integer amount in minor units' })
  feeFixed?: string;

  @ApiPropertyOptional({ description: 'Who funds the referral fee: operator (default) or receiving_member (the member that won the lead is debited)', enum: [...FEE_PAYERS] })
  @IsOptional()
  @IsIn([...FEE_PAYERS], { message: 'feePayer must be operator or receiving_member' })
  feePayer?: FeePayer;

  @ApiPropertyOptional({ description: 'best_match (default) or rotation (weighted by weekly capacity among equally good matches)', enum: ['best_match', 'rotation'] })
  @IsOptional()
  @IsIn(['best_match', 'rotation'], { message: 'routingMode must be best_match or rotation' })
  routingMode?: 'best_match' | 'rotation';
}
