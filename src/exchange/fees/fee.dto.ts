import { ApiProperty } from '@nestjs/swagger';

export class MemberFeeView {
  @ApiProperty({ description: 'The won lead the fee is for' })
  leadId: string;
  @ApiProperty({ description: 'Company of the lead' })
  leadCompany: string;
  @ApiProperty({ description: 'Fee, minor units', type: String })
  amount: string;
  @ApiProperty({ description: 'The fee formatted for people, e.g. "308,64 ₽"' })
  amountText: string;
  @ApiProperty({ description: 'ISO 4217 currency' })
  currency: string;
  @ApiProperty({ description: 'How it was computed, e.g. "250 bp of 1234567" or "fixed"' })
  basis: string;
  @ApiProperty({ description: 'When it was credited' })
  createdAt: Date;
}

export class MemberFeesView {
  @ApiProperty({ description: 'ISO 4217 currency of the exchange (the program currency)' })
  currency: string;
  @ApiProperty({ description: 'Fees credited so far, minor units', type: String })
  total: string;
  @ApiProperty({ description: 'Fees credited so far, formatted' })
  totalText: string;
  @ApiProperty({ description: 'Available to be paid out now (fees are credited available), minor units; negative = owed', type: String })
  available: string;
  @ApiProperty({ description: 'Already paid out, minor units', type: String })
  paid: string;
  @ApiProperty({ description: 'In a payout batch on its way (reserved, not yet paid), minor units', type: String })
  pending: string;
  @ApiProperty({ description: 'Fees this member paid for leads it won (when the receiving member funds fees), minor units', type: String })
  chargedTotal: string;
  @ApiProperty({ description: 'Each fee charged to this member as the receiver of a won lead, newest first', type: () => [MemberFeeView] })
  charged: MemberFeeView[];
  @ApiProperty({ description: 'Each fee, newest first', type: [MemberFeeView] })
  fees: MemberFeeView[];
}
