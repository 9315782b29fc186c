import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role, STAFF_ROLES } from '../access/role';

export class LoginDto {
  @ApiProperty({ description: 'Account email', example: 'anna@retail.example' })
  @IsEmail()
  email: string;

  @ApiProperty({ description: 'Account password' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({ description: 'When the account has two-factor sign-in on: a current 6-digit code or a recovery code', example: '123456' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  totpCode?: string;
}

export class AccountView {
  @ApiProperty({ description: 'Account id (uuid)' })
  id: string;
  @ApiProperty({ description: 'Account email, lower-cased' })
  email: string;
  @ApiProperty({ description: 'The account role', enum: Role })
  role: Role;
}

export class TokenView {
  @ApiProperty({ description: 'JWT to send as "Authorization: Bearer <token>"' })
  accessToken: string;
  @ApiProperty({ description: 'Always Bearer', enum: ['Bearer'] })
  tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn: number;
  @ApiProperty({ description: 'The signed-in account', type: AccountView })
  account: AccountView;
}

export class CreateStaffDto {
  @ApiProperty({ description: 'Email of the new staff account' })
  @IsEmail()
  email: string;

  @ApiProperty({ description: 'Initial password: at least 12 characters and hard to guess (e.g. several unrelated words)' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiProperty({ description: 'Staff role to grant', enum: STAFF_ROLES })
  @IsEnum(STAFF_ROLES, { message: `role must be one of: ${STAFF_ROLES.join(', ')}` })
  role: Role;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password in use now' })
  @IsString()
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ description: 'The new password: 12+ characters and hard to guess (e.g. several unrelated words)' })
  @IsString()
  @MaxLength(200)
  newPassword: string;
}

export class AccountStatusView {
  @ApiProperty({ description: 'Account id (uuid)' })
  id: string;
  @ApiProperty({ description: 'Account email, lower-cased' })
  email: string;
  @ApiProperty({ description: 'The account role', enum: Role })
  role: Role;
  @ApiProperty({ description: 'When the account was disabled (ISO 8601), null when active', nullable: true, type: String })
  disabledAt: string | null;
}

export class PasswordResetRequestDto {
  @ApiProperty({ description: 'Email of the account' })
  @IsEmail()
  @MaxLength(320)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the reset link' })
  @IsString()
  @MaxLength(200)
  token: string;

  @ApiProperty({ description: 'The new password: 12+ characters and hard to guess' })
  @IsString()
  @MaxLength(200)
  newPassword: string;
}

export class PasswordResetAcceptedView {
  @ApiProperty({ description: 'Always true: a link was sent if the address has an account', enum: [true] })
  accepted: true;
}
