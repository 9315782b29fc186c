import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role, STAFF_ROLES } from '../access/role';
import { Locale, LOCALES } from '../i18n/messages';

export class InviteStaffDto {
  @ApiProperty({ description: 'Email of the person to invite (they receive a single-use link to choose a password)', example: 'olga@handshake.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ description: 'Staff role the account gets', enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of: ${STAFF_ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ description: 'Language of the invitation mail and of the account (en or ru); the language of the request when absent', enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or ru' })
  locale?: Locale;
}

export class ChangeStaffRoleDto {
  @ApiProperty({ description: 'The new staff role (not for your own account; the last active admin keeps theirs)', enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of: ${STAFF_ROLES.join(', ')}` })
  role: Role;
}

export class AcceptInviteDto {
  @ApiProperty({ description: 'The password to set: at least 12 characters and hard to guess (e.g. several unrelated words)' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class StaffView {
  @ApiProperty({ description: 'Account id (uuid)' })
  id: string;
  @ApiProperty({ description: 'Account email, lower-cased' })
  email: string;
  @ApiProperty({ description: 'Staff role', enum: STAFF_ROLES })
  role: Role;
  @ApiProperty({ description: 'active: signed up; invited: the invitation is not accepted yet; disabled: cannot sign in', enum: ['active', 'invited', 'disabled'] })
  status: 'active' | 'invited' | 'disabled';
  @ApiProperty({ description: 'Language of the account (en or ru), null when not known yet', enum: LOCALES, nullable: true, type: String })
  locale: Locale | null;
  @ApiProperty({ description: 'Last successful sign-in, null when never', nullable: true, type: Date })
  lastSignInAt: Date | null;
  @ApiProperty({ description: 'When the pending invitation was sent, null once accepted or when never invited', nullable: true, type: Date })
  invitedAt: Date | null;
  @ApiProperty({ description: 'When the account was disabled, null when it is not', nullable: true, type: Date })
  disabledAt: Date | null;
  @ApiProperty({ description: 'When the account was created' })
  createdAt: Date;
}

export class InviteResultView {
  @ApiProperty({ description: 'The invited account', type: StaffView })
  account: StaffView;
  @ApiProperty({ description: 'False when the invitation mail could not be handed over (invite again later)' })
  mailed: boolean;
  @ApiProperty({ description: 'True when the address was already invited: the earlier link no longer works' })
  reinvited: boolean;
}
