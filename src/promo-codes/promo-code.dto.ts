import { ApiProperty } from '@nestjs/swagger';
import { PromoCodeStatus } from './promo-code.entity';

export class PromoCodeQuoteView {
  @ApiProperty({ description: 'The code, normalized to capitals' })
  code: string;
  @ApiProperty({ description: 'Discount a supplier signing up now gets, basis points' })
  discountBp: number;
  @ApiProperty({ description: 'The same discount as text, e.g. "12.5%"' })
  discountPercent: string;
}

export class PromoCodeView {
  @ApiProperty({ description: 'The code, capitals' })
  code: string;
  @ApiProperty({ description: 'active, paused (by its owner) or revoked (by an admin, final)', enum: PromoCodeStatus })
  status: PromoCodeStatus;
  @ApiProperty({ description: 'Link a supplier follows to sign up with the code' })
  referralLink: string;
  @ApiProperty({ description: 'When the code was issued' })
  createdAt: Date;
}
