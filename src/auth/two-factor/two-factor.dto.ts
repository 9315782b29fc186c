import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class TwoFactorCodeDto {
  @ApiProperty({ description: 'A 6-digit code from the authenticator app, or one unused recovery code', example: '123456' })
  @IsString()
  @MaxLength(40)
  code: string;
}

/** The fresh code that approving or executing a payout batch asks for when two-factor sign-in is on. */
export class FreshCodeDto {
  @ApiPropertyOptional({ description: 'A current 6-digit code (or a recovery code); required when the account has two-factor sign-in on', example: '123456' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  totpCode?: string;
}

export class TwoFactorStatusView {
  @ApiProperty({ description: 'Two-factor sign-in is on for this account' })
  enrolled: boolean;
  @ApiProperty({ description: 'The account must use it (finance and admin when STAFF_TWO_FACTOR=required)' })
  required: boolean;
  @ApiProperty({ description: 'Unused recovery codes' })
  recoveryCodesLeft: number;
}

export class TwoFactorSetupView {
  @ApiProperty({ description: 'The base32 secret to type into an authenticator app' })
  secret: string;
  @ApiProperty({ description: 'The otpauth:// URI (what the QR code holds)' })
  uri: string;
}

export class RecoveryCodesView {
  @ApiProperty({ description: 'Single-use recovery codes, shown this once', type: [String] })
  recoveryCodes: string[];
}
