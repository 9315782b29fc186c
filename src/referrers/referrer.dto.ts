import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PromoCodeView } from '../promo-codes/promo-code.dto';
import { SplitBoundsView, SplitView } from '../splits/split.dto';

export class RegisterReferrerDto {
  @ApiProperty({ description: 'Work email; it becomes the login', example: 'anna@retail.example' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Password: at least 12 characters and hard to guess (e.g. several unrelated words)' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiProperty({ description: 'Full name of the referrer', example: 'Anna Petrova' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ description: 'Company the referrer works for', example: 'Retail Group LLC' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  companyName: string;

  @ApiPropertyOptional({ description: 'Company tax id (e.g. a 10- or 12-digit INN); refuses self-referral by the same company' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  companyTaxId?: string;

  @ApiProperty({ description: 'Version number of the offer agreement the referrer read and accepts; must be the current one' })
  @IsOptional()
  @IsInt({ message: 'acceptedOfferVersion must be the integer version number of the offer' })
  acceptedOfferVersion?: number;

  @ApiPropertyOptional({ description: 'Signed token from a campaign registration link; counts the registration for that campaign' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  campaignToken?: string;
}

export class OfferAcceptanceView {
  @ApiProperty({ description: 'Accepted offer version' })
  version: number;
  @ApiProperty({ description: 'Text of that version' })
  text: string;
  @ApiProperty({ description: 'When it was accepted' })
  acceptedAt: Date;
  @ApiProperty({ description: 'Client address it was accepted from' })
  ip: string;
}

export class ReferrerCabinetView {
  @ApiProperty({ description: 'Referrer id' })
  id: string;
  @ApiProperty({ description: 'Login email' })
  email: string;
  @ApiProperty({ description: 'Full name' })
  fullName: string;
  @ApiProperty({ description: 'Company name' })
  companyName: string;
  @ApiProperty({ description: 'Company tax id, normalized', nullable: true, type: String })
  companyTaxId: string | null;
  @ApiProperty({ description: 'The promo code and referral link', type: PromoCodeView })
  promoCode: PromoCodeView;
  @ApiProperty({ description: 'The split in force for new suppliers', type: SplitView })
  split: SplitView;
  @ApiProperty({ description: 'Bounds the split may move within', type: SplitBoundsView })
  bounds: SplitBoundsView;
  @ApiProperty({ description: 'The offer version accepted at registration', type: OfferAcceptanceView })
  offer: OfferAcceptanceView;
}

export class RegistrationView {
  @ApiProperty({ description: 'Bearer token for the new account' })
  accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn: number;
  @ApiProperty({ description: 'The new referrer\'s cabinet', type: ReferrerCabinetView })
  referrer: ReferrerCabinetView;
}

export class ReferrerSummaryView {
  @ApiProperty({ description: 'Referrer id' })
  id: string;
  @ApiProperty({ description: 'Login email' })
  email: string;
  @ApiProperty({ description: 'Full name' })
  fullName: string;
  @ApiProperty({ description: 'Company name' })
  companyName: string;
  @ApiProperty({ description: 'Promo code' })
  code: string;
  @ApiProperty({ description: 'Promo code status' })
  codeStatus: string;
  @ApiProperty({ description: 'Registration time' })
  createdAt: Date;
}
