import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** A period of lead submission [from, to); either end may be left open. */
export class AnalyticsQuery {
  @ApiPropertyOptional({ description: 'Leads submitted from this instant (ISO 8601, inclusive)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Leads submitted before this instant (ISO 8601, exclusive)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}

export class SourceRowView {
  @ApiProperty({ description: 'Submitting member id; null = the operator', nullable: true, type: String })
  memberId: string | null;
  @ApiProperty({ description: 'Submitting company ("operator" for the operator)' })
  memberCompany: string;
  @ApiProperty({ description: 'Channel: api, web or csv' })
  channel: string;
  @ApiProperty({ description: 'Leads submitted' })
  leads: number;
  @ApiProperty({ description: 'Of which sales-ready' })
  salesReady: number;
  @ApiProperty({ description: 'Leads that stated a cost' })
  leadsWithCost: number;
  @ApiProperty({ description: 'Sum of stated costs, minor units', type: String })
  totalCost: bigint;
  @ApiProperty({ description: 'Average cost of the leads that stated one, minor units, rounded half-up; null when none did', nullable: true, type: String })
  costPerLead: bigint | null;
  @ApiProperty({ description: 'Deals won from these leads' })
  won: number;
  @ApiProperty({ description: 'Sum of the won values of these leads, minor units', type: String })
  wonValue: bigint;
  @ApiProperty({ description: 'Stated cost of these leads per deal won, minor units, rounded half-up; null with no won deal or no cost', nullable: true, type: String })
  costPerWonDeal: bigint | null;
}

export class ReceiverRowView {
  @ApiProperty({ description: 'Receiving member id' })
  memberId: string;
  @ApiProperty({ description: 'Receiving company' })
  memberCompany: string;
  @ApiProperty({ description: 'Offers made to it' })
  offered: number;
  @ApiProperty({ description: 'Offers it accepted' })
  accepted: number;
  @ApiProperty({ description: 'Offers it declined' })
  declined: number;
  @ApiProperty({ description: 'Offers it let lapse' })
  expired: number;
  @ApiProperty({ description: 'accepted / (accepted + declined + expired), basis points; null with no answered offer', nullable: true, type: Number })
  acceptanceRateBp: number | null;
  @ApiProperty({ description: 'Average seconds from the offer to the first contact, over leads contacted; null when none', nullable: true, type: Number })
  avgSecondsToFirstContact: number | null;
  @ApiProperty({ description: 'Deals won' })
  won: number;
  @ApiProperty({ description: 'Deals lost' })
  lost: number;
  @ApiProperty({ description: 'won / (won + lost), basis points; null with no closed deal', nullable: true, type: Number })
  winRateBp: number | null;
  @ApiProperty({ description: 'Sum of won values, minor units', type: String })
  wonValue: bigint;
  @ApiProperty({ description: 'Accepted open leads with no status change for the stale period' })
  stale: number;
}

export class TagConversionView {
  @ApiProperty({ description: 'Expertise tag' })
  tag: string;
  @ApiProperty({ description: 'Receiving member id' })
  memberId: string;
  @ApiProperty({ description: 'Receiving company' })
  memberCompany: string;
  @ApiProperty({ description: 'Closed deals with this tag' })
  closed: number;
  @ApiProperty({ description: 'Won deals with this tag' })
  won: number;
  @ApiProperty({ description: 'won / closed, basis points' })
  winRateBp: number;
}

export class ExchangeAnalyticsView {
  @ApiProperty({ description: 'Currency of every amount here' })
  currency: string;
  @ApiProperty({ description: 'Start of the period (leads submitted from), null = since the beginning', nullable: true, type: Date })
  from: Date | null;
  @ApiProperty({ description: 'End of the period (leads submitted before), null = until now', nullable: true, type: Date })
  to: Date | null;
  @ApiProperty({ description: 'Leads by source member and channel', type: [SourceRowView] })
  bySource: SourceRowView[];
  @ApiProperty({ description: 'Acceptance, speed and results per receiving member', type: [ReceiverRowView] })
  byReceiver: ReceiverRowView[];
  @ApiProperty({ description: 'Which members convert which tags best: per tag, best win rate first', type: [TagConversionView] })
  tagConversion: TagConversionView[];
  @ApiProperty({ description: 'Sales-ready leads nobody fits, waiting with the operator' })
  withOperator: number;
}
