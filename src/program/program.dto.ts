import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { BONUS_MODES, BonusMode } from './program-settings.entity';

export class UpdateProgramDto {
  @ApiPropertyOptional({ description: 'The program\'s name, its brand in pages and emails: 1–80 characters after trimming, no control characters', example: 'Handshake' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiPropertyOptional({ description: 'ISO 4217 currency of the program, e.g. RUB', example: 'RUB' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in capitals' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Budget B in basis points (2000 = 20%) of each payment, split into discount + commission' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  budgetBp?: number;

  @ApiPropertyOptional({ description: 'Lowest supplier discount a referrer may choose, basis points' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  discountMinBp?: number;

  @ApiPropertyOptional({ description: 'Highest supplier discount a referrer may choose, basis points (≤ budget)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  discountMaxBp?: number;

  @ApiPropertyOptional({ description: 'Months of commission from the first paid invoice; null = unlimited', nullable: true, type: Number })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(600)
  commissionMonths?: number | null;

  @ApiPropertyOptional({ description: 'Days a commission stays pending before it becomes available' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  holdDays?: number;

  @ApiPropertyOptional({ description: 'Smallest available balance paid out, in minor units, as an integer string', example: '100000' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'payoutMinimum must be a non-negative integer of minor units, as a string' })
  payoutMinimum?: string;

  @ApiPropertyOptional({ description: 'IANA time zone of the program (months and dates are counted in it), e.g. Europe/Moscow', example: 'Europe/Moscow' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
  @ApiPropertyOptional({ description: 'One-off bonus per converted supplier (paid once, on its first payment), in minor units of the program currency, as an integer string; "0" = no bonus. Locked on each supplier when it redeems a code', example: '500000' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'bonusAmount must be a non-negative integer of minor units, as a string' })
  bonusAmount?: string;

  @ApiPropertyOptional({ description: 'How the bonus combines with the recurring percentage: in_addition (bonus and percentage) or instead (bonus only, no recurring commission; needs a bonusAmount above 0)', enum: BONUS_MODES })
  @IsOptional()
  @IsIn(BONUS_MODES)
  bonusMode?: BonusMode;

  @ApiPropertyOptional({ description: 'New offer agreement text; when it differs from the current one it becomes a new version' })
  @IsOptional()
  @IsString()
  @MinLength(20)
  @MaxLength(100000)
  offerText?: string;
}

export class NewOfferVersionDto {
  @ApiProperty({ description: 'Full text of the new offer agreement version' })
  @IsString()
  @MinLength(20)
  @MaxLength(100000)
  text: string;
}

export class OfferVersionView {
  @ApiProperty({ description: 'Version number; referrers accept a specific one' })
  version: number;
  @ApiProperty({ description: 'Full agreement text' })
  text: string;
  @ApiProperty({ description: 'When this version was published' })
  createdAt: Date;
}

export class ProgramView {
  @ApiProperty({ description: 'The program\'s name (brand)' })
  name: string;
  @ApiProperty({ description: 'ISO 4217 currency' })
  currency: string;
  @ApiProperty({ description: 'Budget B, basis points' })
  budgetBp: number;
  @ApiProperty({ description: 'Lowest allowed supplier discount, basis points' })
  discountMinBp: number;
  @ApiProperty({ description: 'Highest allowed supplier discount, basis points' })
  discountMaxBp: number;
  @ApiProperty({ description: 'Commission months from first paid invoice; null = unlimited', nullable: true, type: Number })
  commissionMonths: number | null;
  @ApiProperty({ description: 'Hold period in days' })
  holdDays: number;
  @ApiProperty({ description: 'Payout minimum in minor units (integer string)' })
  payoutMinimum: string;
  @ApiProperty({ description: 'IANA time zone of the program' })
  timeZone: string;
  @ApiProperty({ description: 'One-off bonus per converted supplier, minor units (integer string); "0" = none' })
  bonusAmount: string;
  @ApiProperty({ description: 'in_addition: bonus and recurring percentage; instead: bonus only', enum: BONUS_MODES })
  bonusMode: BonusMode;
  @ApiProperty({ description: 'The offer version referrers accept now', type: OfferVersionView })
  currentOffer: OfferVersionView;
}
