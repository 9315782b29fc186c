import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

export class ChangeAttributionDto {
  @ApiProperty({ description: 'The referrer to attribute the supplier to from now on, or null for no one', nullable: true, type: String, format: 'uuid' })
  @ValidateIf((o: ChangeAttributionDto) => o.referrerId !== null && o.referrerId !== undefined)
  @IsUUID('all', { message: 'referrerId must be a referrer id (uuid) or null' })
  referrerId?: string | null;

  @ApiPropertyOptional({ description: 'Why (required; kept in the audit record)', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class AttributionPeriodView {
  @ApiProperty({ description: 'The change id; null for the attribution recorded at sign-up', nullable: true, type: String })
  changeId: string | null;
  @ApiProperty({ description: 'Invoices paid from this moment on earn under this entry; null for the sign-up attribution (from the start)', nullable: true, type: Date })
  validFrom: Date | null;
  @ApiProperty({ description: 'The referrer; null = no one earns from validFrom on', nullable: true, type: String })
  referrerId: string | null;
  @ApiProperty({ description: "The referrer's name", nullable: true, type: String })
  referrerName: string | null;
  @ApiProperty({ description: "The referrer's company", nullable: true, type: String })
  referrerCompany: string | null;
  @ApiProperty({ description: "The referrer's promo code (the one redeemed, or their code at the change)", nullable: true, type: String })
  code: string | null;
  @ApiProperty({ description: 'Discount locked, basis points', nullable: true, type: Number })
  discountBp: number | null;
  @ApiProperty({ description: 'Commission locked, basis points', nullable: true, type: Number })
  commissionBp: number | null;
  @ApiProperty({ description: 'Commission months from the supplier’s first payment; null = unlimited (or no referrer)', nullable: true, type: Number })
  commissionMonths: number | null;
  @ApiProperty({ description: 'code or link (sign-up), admin (a change)' })
  via: string;
  @ApiProperty({ description: 'Why the admin changed it', nullable: true, type: String })
  reason: string | null;
  @ApiProperty({ description: 'The admin who changed it', nullable: true, type: String })
  changedBy: string | null;
  @ApiProperty({ description: 'When the entry was recorded' })
  createdAt: Date;
}

export class AttributionHistoryView {
  @ApiProperty({ description: 'Supplier id' })
  supplierId: string;
  @ApiProperty({ description: 'The referrer earning on invoices paid now; null = no one', nullable: true, type: String })
  currentReferrerId: string | null;
  @ApiProperty({ description: 'Whether the supplier has paid an invoice (after which only an admin may change the attribution)' })
  hasPaid: boolean;
  @ApiProperty({ description: 'The sign-up attribution, then every admin change, oldest first', type: [AttributionPeriodView] })
  history: AttributionPeriodView[];
}
