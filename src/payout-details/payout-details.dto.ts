import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class BankDetailsDto {
  @ApiProperty({ description: 'Name of the account holder as the bank knows it', example: 'Anna Petrova' })
  @IsString()
  @MaxLength(200)
  accountHolder: string;

  @ApiProperty({ description: 'Russian BIC (9 digits, 04…) or SWIFT code (8/11 characters)', example: '044525225' })
  @IsString()
  @MaxLength(40)
  bankIdentifier: string;

  @ApiProperty({ description: '20-digit Russian account (with a BIC) or IBAN (with a SWIFT code)', example: '40702810938000012345' })
  @IsString()
  @MaxLength(60)
  accountNumber: string;
}

export class BankDetailsView {
  @ApiProperty({ description: 'Account holder' })
  accountHolder: string;
  @ApiProperty({ description: 'BIC or SWIFT code' })
  bankIdentifier: string;
  @ApiProperty({ description: 'Last four characters of the account number (the rest is never shown)' })
  accountNumberLast4: string;
}

export class PayoutDetailsView {
  @ApiProperty({ description: 'Referrer id' })
  referrerId: string;
  @ApiProperty({ description: 'How the referrer is paid: stripe_connect or bank', nullable: true, type: String })
  method: string | null;
  @ApiProperty({ description: 'True when a payout batch can pay this referrer now' })
  usable: boolean;
  @ApiProperty({ description: 'Connected Stripe account id', nullable: true, type: String })
  stripeAccountId: string | null;
  @ApiProperty({ description: 'Stripe reports the account can receive transfers' })
  stripeTransfersActive: boolean;
  @ApiProperty({ description: 'The referrer finished Stripe onboarding' })
  stripeDetailsSubmitted: boolean;
  @ApiProperty({ description: 'Bank details (masked)', nullable: true, type: BankDetailsView })
  bank: BankDetailsView | null;
}

export class ConnectOnboardingView {
  @ApiProperty({ description: 'Connected Stripe account id' })
  stripeAccountId: string;
  @ApiProperty({ description: 'Stripe-hosted onboarding link; open it to finish onboarding (expires within minutes)' })
  onboardingUrl: string;
}
