import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEAL_STATUSES } from '../deals/deal-status';
import { COMPANY_SIZES } from '../routing/match';

export class SubmitLeadDto {
  @ApiProperty({ description: 'The company that needs the service', example: 'Northwind Trading' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  companyName: string;

  @ApiProperty({ description: 'Contact person at that company' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  contactName: string;

  @ApiPropertyOptional({ description: 'Contact email' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({ description: 'Contact phone' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  contactPhone?: string;

  @ApiProperty({ description: 'What is needed, as expertise tag slugs from the operator\'s list', type: [String] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  tags: string[];

  @ApiPropertyOptional({ description: 'What is needed, in free text' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  needsText?: string;

  @ApiPropertyOptional({ description: 'Region of the customer (matched against members\' declared regions)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  region?: string;

  @ApiPropertyOptional({ description: "Company size of the customer (deal scale), matched against members' declared sizes", enum: COMPANY_SIZES })
  @IsOptional()
  @IsIn(COMPANY_SIZES, { message: `companySize must be one of ${COMPANY_SIZES.join(', ')}` })
  companySize?: string;

  @ApiProperty({ description: 'Budget of the customer, minor units of the program currency (decimal string, not below zero)', example: '25000000' })
  @IsString()
  @Matches(/^-?\d{1,18}$/, { message: 'budget must be an integer amount in minor units' })
  budget: string;

  @ApiProperty({ description: 'Decision authority of the contact: a key of the scoring rules\' authority map (default: unknown, user, influencer, recommender, decision_maker)' })
  @IsString()
  @MaxLength(40)
  authority: string;

  @ApiProperty({ description: 'Strength of the need: a key of the scoring rules\' need map (default: none, low, medium, high, urgent)' })
  @IsString()
  @MaxLength(40)
  need: string;

  @ApiPropertyOptional({ description: 'Days until the customer means to buy; absent = unknown' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  timelineDays?: number;

  @ApiPropertyOptional({ description: 'What the lead cost the submitter to obtain, minor units (decimal string)' })
  @IsOptional()
  @IsString()
  @Matches(/^-?\d{1,18}$/, { message: 'cost must be an integer amount in minor units' })
  cost?: string;
}

export class OverrideScoreDto {
  @ApiProperty({ description: 'Which score to override', enum: ['budget', 'authority', 'need', 'timing'] })
  @IsIn(['budget', 'authority', 'need', 'timing'])
  dimension: 'budget' | 'authority' | 'need' | 'timing';

  @ApiProperty({ description: 'The new score, 1–5' })
  @IsInt({ message: 'score must be an integer 1–5' })
  @Min(1, { message: 'score must be between 1 and 5' })
  @Max(5, { message: 'score must be between 1 and 5' })
  score: number;

  @ApiProperty({ description: 'Why the computed score is wrong (kept in the audit trail)' })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason: string;
}

export class DeclineDto {
  @ApiPropertyOptional({ description: 'Why the member declines (seen by the operator)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class DealStatusDto {
  @ApiProperty({ description: 'Next deal status: contacted, proposal, won or lost (in this order; lost from any open step)', enum: DEAL_STATUSES })
  @IsIn(DEAL_STATUSES)
  status: 'accepted' | 'contacted' | 'proposal' | 'won' | 'lost';

  @ApiPropertyOptional({ description: 'Won deal value, minor units (required for won)' })
  @IsOptional()
  @IsString()
  @Matches(/^-?\d{1,18}$/, { message: 'wonValue must be an integer amount in minor units' })
  wonValue?: string;

  @ApiPropertyOptional({ description: 'Why the deal was lost (required for lost)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  lostReason?: string;

  @ApiPropertyOptional({ description: 'Private note of the receiving member; never shown to the submitter' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class CsvImportDto {
  @ApiProperty({
    description:
      'CSV text with a header row: company,contact_name,contact_email,contact_phone,tags (separated by ;),needs,region,budget,authority,need,timeline_days,cost',
  })
  @IsString()
  @MaxLength(5_000_000)
  csv: string;
}

export class ScoresView {
  @ApiProperty({ description: 'Budget score 1–5' })
  budget: number;
  @ApiProperty({ description: 'Authority score 1–5' })
  authority: number;
  @ApiProperty({ description: 'Need score 1–5' })
  need: number;
  @ApiProperty({ description: 'Timing score 1–5' })
  timing: number;
}

export class DealEventView {
  @ApiProperty({ description: 'Status reached' })
  status: string;
  @ApiProperty({ description: 'When' })
  at: Date;
  @ApiPropertyOptional({ description: 'Won value (won only), minor units', type: String, nullable: true })
  wonValue?: bigint | null;
  @ApiPropertyOptional({ description: 'Reason (lost only)', nullable: true, type: String })
  lostReason?: string | null;
  @ApiPropertyOptional({ description: 'The receiver\'s private note (receiver and operator only)', nullable: true, type: String })
  note?: string | null;
}

/** What the submitter of a lead sees: the status, never the receiver's notes or the contact details it already has. */
export class SubmittedLeadView {
  @ApiProperty({ description: 'Lead id' })
  id: string;
  @ApiProperty({ description: 'Company of the lead' })
  companyName: string;
  @ApiProperty({ description: 'Needed expertise tags', type: [String] })
  tags: string[];
  @ApiProperty({ description: 'Budget, minor units', type: String })
  budget: bigint;
  @ApiProperty({ description: 'BANT score, 1–625' })
  score: number;
  @ApiProperty({ description: 'sales_ready, nurture or disqualified' })
  qualification: string;
  @ApiProperty({ description: 'pending, offered, accepted, with_operator or not_routed' })
  routingState: string;
  @ApiProperty({ description: 'Deal status at the receiver', nullable: true, type: String })
  dealStatus: string | null;
  @ApiProperty({ description: 'Won value, minor units', nullable: true, type: String })
  wonValue: bigint | null;
  @ApiProperty({ description: 'The company working the lead, once it accepted it', nullable: true, type: String })
  receiverCompany: string | null;
  @ApiProperty({ description: 'What the receiver wrote for the client conversation ("why we are the right people")', nullable: true, type: String })
  handoffText: string | null;
  @ApiProperty({ description: 'When it was submitted' })
  createdAt: Date;
  @ApiProperty({ description: 'Status history without private notes', type: [DealEventView] })
  history: DealEventView[];
}

export class LeadView {
  @ApiProperty({ description: 'Lead id' })
  id: string;
  @ApiProperty({ description: 'Submitting member id; null when the operator submitted it', nullable: true, type: String })
  submitterMemberId: string | null;
  @ApiProperty({ description: 'api, web or csv' })
  channel: string;
  @ApiProperty({ description: 'Company of the lead' })
  companyName: string;
  @ApiProperty({ description: 'Contact person' })
  contactName: string;
  @ApiProperty({ description: 'Contact email', nullable: true, type: String })
  contactEmail: string | null;
  @ApiProperty({ description: 'Contact phone', nullable: true, type: String })
  contactPhone: string | null;
  @ApiProperty({ description: 'Needed expertise tags', type: [String] })
  tags: string[];
  @ApiProperty({ description: 'Needs in free text' })
  needsText: string;
  @ApiProperty({ description: 'Region', nullable: true, type: String })
  region: string | null;
  @ApiProperty({ description: 'Company size (small, medium, large, enterprise)', nullable: true, type: String })
  companySize: string | null;
  @ApiProperty({ description: "The receiver's hand-off text, once written", nullable: true, type: String })
  handoffText: string | null;
  @ApiProperty({ description: 'Budget, minor units', type: String })
  budget: bigint;
  @ApiProperty({ description: 'Currency of budget, cost and won value' })
  currency: string;
  @ApiProperty({ description: 'Decision authority of the contact' })
  authority: string;
  @ApiProperty({ description: 'Strength of the need' })
  need: string;
  @ApiProperty({ description: 'Days until purchase; null = unknown', nullable: true, type: Number })
  timelineDays: number | null;
  @ApiProperty({ description: 'Cost of the lead to the submitter, minor units', nullable: true, type: String })
  cost: bigint | null;
  @ApiProperty({ description: 'BANT scores', type: ScoresView })
  scores: ScoresView;
  @ApiProperty({ description: 'Product of the four scores, 1–625' })
  score: number;
  @ApiProperty({ description: 'sales_ready, nurture or disqualified' })
  qualification: string;
  @ApiProperty({ description: 'pending, offered, accepted, with_operator or not_routed' })
  routingState: string;
  @ApiProperty({ description: 'Why the operator should look at it (e.g. no_matching_member)', nullable: true, type: String })
  flag: string | null;
  @ApiProperty({ description: 'Member it is offered to or accepted by', nullable: true, type: String })
  receiverMemberId: string | null;
  @ApiProperty({ description: 'When the current offer lapses (offered only)', nullable: true, type: Date })
  offerExpiresAt: Date | null;
  @ApiProperty({ description: 'Deal status at the receiver', nullable: true, type: String })
  dealStatus: string | null;
  @ApiProperty({ description: 'Won value, minor units', nullable: true, type: String })
  wonValue: bigint | null;
  @ApiProperty({ description: 'Lost reason', nullable: true, type: String })
  lostReason: string | null;
  @ApiProperty({ description: 'Last deal status change', nullable: true, type: Date })
  statusChangedAt: Date | null;
  @ApiProperty({ description: 'When it was submitted' })
  createdAt: Date;
  @ApiProperty({ description: 'Status history with the receiver\'s notes', type: [DealEventView] })
  history: DealEventView[];
}

export class CsvRowResultView {
  @ApiProperty({ description: 'Row number in the file (1 = first data row)' })
  row: number;
  @ApiProperty({ description: 'created or duplicate (flagged, not stored again)' })
  outcome: 'created' | 'duplicate';
  @ApiProperty({ description: 'The new lead, or the earlier lead it duplicates' })
  leadId: string;
}

export class CsvImportView {
  @ApiProperty({ description: 'Leads created' })
  created: number;
  @ApiProperty({ description: 'Rows flagged as duplicates of recent leads and skipped' })
  duplicates: number;
  @ApiProperty({ description: 'Per-row outcome', type: [CsvRowResultView] })
  rows: CsvRowResultView[];
}

export class StaleLeadView {
  @ApiProperty({ description: 'Lead id' })
  id: string;
  @ApiProperty({ description: 'Company of the lead' })
  companyName: string;
  @ApiProperty({ description: 'Receiving member id' })
  memberId: string;
  @ApiProperty({ description: 'Receiving member company' })
  memberCompany: string;
  @ApiProperty({ description: 'Current deal status' })
  dealStatus: string;
  @ApiProperty({ description: 'Last status change' })
  statusChangedAt: Date;
  @ApiProperty({ description: 'Whole days since then' })
  daysStale: number;
}

export class RouteRunView {
  @ApiProperty({ description: 'Leads offered to a member in this run' })
  routed: number;
  @ApiProperty({ description: 'Leads nobody fits: left with the operator and flagged' })
  withOperator: number;
}

export class NurtureDto {
  @ApiPropertyOptional({ description: 'Audience to add the contact to (created when missing); default "Lead exchange: nurture"' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  audience?: string;
}

export class NurtureView {
  @ApiProperty({ description: 'Audience id in the campaign tools' })
  audienceId: string;
  @ApiProperty({ description: 'Audience name' })
  audienceName: string;
  @ApiProperty({ description: 'Contacts added or updated' })
  handed: number;
  @ApiProperty({ description: 'Contacts the campaign tools refused (suppressed or invalid)' })
  refused: number;
}

export class ScoreOverrideView {
  @ApiProperty({ description: 'budget, authority, need or timing' })
  dimension: string;
  @ApiProperty({ description: 'Score before the override' })
  oldScore: number;
  @ApiProperty({ description: 'Score after the override' })
  newScore: number;
  @ApiProperty({ description: 'Reason given' })
  reason: string;
  @ApiProperty({ description: 'Account that made the override' })
  actorId: string;
  @ApiProperty({ description: 'When' })
  createdAt: Date;
}

export class HandoffDto {
  @ApiProperty({ description: 'Why your company is the right one for this client, for the submitter to use in the client conversation (written once)' })
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  text: string;
}
