import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { COMPANY_SIZES } from '../routing/match';

export class ApplyDto {
  @ApiProperty({ description: 'Work email of the company contact; it becomes the login', example: 'sales@partner.example' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Password: at least 10 characters with letters and digits' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiProperty({ description: 'Company applying to join the exchange', example: 'Partner Integrations LLC' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  companyName: string;

  @ApiProperty({ description: 'Name of the person responsible for the exchange at the company' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  contactName: string;

  @ApiProperty({ description: 'Version of the exchange rules (including no-poaching) the company read and accepts; must be the current one' })
  @IsOptional()
  @IsInt({ message: 'acceptedRulesVersion must be the integer version number of the rules' })
  acceptedRulesVersion?: number;
}

export class MemberProfileDto {
  @ApiProperty({ description: 'Entry threshold: the smallest lead budget the member takes, minor units of the program currency (decimal string)', example: '5000000' })
  @IsString()
  @Matches(/^-?\d{1,18}$/, { message: 'threshold must be an integer amount in minor units' })
  threshold: string;

  @ApiProperty({ description: 'Expertise tags (slugs from the operator\'s list)', type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  tags: string[];

  @ApiPropertyOptional({ description: 'Regions served (free codes such as "msk", "eu"); empty = everywhere', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  regions?: string[];

  @ApiProperty({ description: 'Leads the member will take per week (0 pauses routing to it)' })
  @IsInt()
  @Min(0)
  @Max(100000)
  weeklyCapacity: number;

  @ApiPropertyOptional({ description: 'Company sizes (deal scale) the member serves; empty = every size', type: [String], enum: COMPANY_SIZES })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(COMPANY_SIZES, { each: true, message: `companySizes must be among ${COMPANY_SIZES.join(', ')}` })
  companySizes?: string[];
}

export class MemberStatusDto {
  @ApiProperty({ description: 'Why (kept with the member, shown to the operator)' })
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  reason: string;
}

/** The operator desk's one membership form: which change (suspend, reinstate, expel) and why. */
export class MemberStatusChangeDto extends MemberStatusDto {
  @ApiProperty({ description: 'The change: suspend (an admitted member), reinstate (a suspended one) or expel (either; asks for confirmation first)', enum: ['suspend', 'reinstate', 'expel'] })
  @IsIn(['suspend', 'reinstate', 'expel'])
  action: 'suspend' | 'reinstate' | 'expel';
}

export class RefuseMemberDto {
  @ApiProperty({ description: 'Why the application is refused (shown to the applicant)' })
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  reason: string;
}

export class RulesAcceptanceView {
  @ApiProperty({ description: 'Accepted rules version' })
  version: number;
  @ApiProperty({ description: 'When it was accepted' })
  acceptedAt: Date;
  @ApiProperty({ description: 'Client address it was accepted from' })
  ip: string;
}

export class MemberView {
  @ApiProperty({ description: 'Member id' })
  id: string;
  @ApiProperty({ description: 'Login email of the member account' })
  email: string;
  @ApiProperty({ description: 'Company name' })
  companyName: string;
  @ApiProperty({ description: 'Contact person' })
  contactName: string;
  @ApiProperty({ description: 'applied, admitted, refused, suspended (no offers until reinstated) or expelled', enum: ['applied', 'admitted', 'refused', 'suspended', 'expelled'] })
  status: string;
  @ApiProperty({ description: 'Entry threshold, minor units (decimal string)', type: String })
  threshold: bigint;
  @ApiProperty({ description: 'Currency of the threshold (the program currency)' })
  currency: string;
  @ApiProperty({ description: 'Expertise tag slugs', type: [String] })
  tags: string[];
  @ApiProperty({ description: 'Regions served; empty = everywhere', type: [String] })
  regions: string[];
  @ApiProperty({ description: 'Leads per week it takes' })
  weeklyCapacity: number;
  @ApiProperty({ description: 'Company sizes it serves; empty = every size', type: [String] })
  companySizes: string[];
  @ApiProperty({ description: 'Why it was last suspended, reinstated or expelled', nullable: true, type: String })
  statusReason: string | null;
  @ApiProperty({ description: 'When the application was made' })
  createdAt: Date;
  @ApiProperty({ description: 'When it was admitted or refused', nullable: true, type: Date })
  decidedAt: Date | null;
  @ApiProperty({ description: 'Reason given for a refusal', nullable: true, type: String })
  refusalReason: string | null;
  @ApiProperty({ description: 'The rules acceptance recorded with the application', type: RulesAcceptanceView })
  rules: RulesAcceptanceView;
}

export class ApplicationView {
  @ApiProperty({ description: 'Bearer token for the new partner account' })
  accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' })
  expiresIn: number;
  @ApiProperty({ description: 'The application (status applied until an admin decides)', type: MemberView })
  member: MemberView;
}
