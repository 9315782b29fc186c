import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { BillingView } from '../billing/billing.dto';

export class SignUpSupplierDto {
  @ApiProperty({ description: 'Contact email; it becomes the login', example: 'owner@wholesale.example' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Password: at least 12 characters and hard to guess (e.g. several unrelated words)' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiProperty({ description: 'Company name', example: 'Wholesale Foods LLC' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  companyName: string;

  @ApiProperty({ description: 'Company tax id (e.g. a 10- or 12-digit INN); one supplier per tax id' })
  @IsString()
  @MaxLength(40)
  companyTaxId: string;

  @ApiPropertyOptional({ description: "A referrer's promo code (any case); gives the discount and records the attribution" })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  promoCode?: string;
}

export class AttributionView {
  @ApiProperty({ description: 'Attribution id' })
  id: string;
  @ApiProperty({ description: 'The promo code redeemed' })
  code: string;
  @ApiProperty({ description: 'Full name of the referrer who recommended the service' })
  referrerName: string;
  @ApiProperty({ description: "The referrer's company" })
  referrerCompany: string;
  @ApiProperty({ description: 'Discount locked at sign-up, basis points' })
  discountBp: number;
  @ApiProperty({ description: 'The same discount as text, e.g. "12.5%"' })
  discountPercent: string;
  @ApiProperty({ description: 'Months the discount (and the commission) lasts from the first payment; null = for as long as the supplier pays', nullable: true, type: Number })
  months: number | null;
  @ApiProperty({ description: 'code (typed) or link (came through /join?ref=)' })
  via: string;
  @ApiProperty({ description: 'When the code was redeemed' })
  createdAt: Date;
}

export class SupplierView {
  @ApiProperty({ description: 'Supplier id' })
  id: string;
  @ApiProperty({ description: 'Contact email (the login)' })
  email: string;
  @ApiProperty({ description: 'Company name' })
  companyName: string;
  @ApiProperty({ description: 'Normalized company tax id' })
  companyTaxId: string;
  @ApiProperty({ description: 'Who referred the supplier and the discount it got; null without a code', nullable: true, type: AttributionView })
  attribution: AttributionView | null;
  @ApiProperty({ description: 'Stripe subscription and invoices as Stripe reported them', type: BillingView })
  billing: BillingView;
  @ApiProperty({ description: 'When the supplier signed up' })
  createdAt: Date;
}

export class SupplierSignUpView {
  @ApiProperty({ description: 'Bearer token for the new supplier account' })
  accessToken: string;
  @ApiProperty({ description: 'Token lifetime, seconds' })
  expiresIn: number;
  @ApiProperty({ description: 'The new supplier', type: SupplierView })
  supplier: SupplierView;
}
