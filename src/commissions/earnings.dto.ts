import { ApiProperty } from '@nestjs/swagger';

export class ReferredSupplierView {
  @ApiProperty({ description: 'Supplier id' })
  supplierId: string;
  @ApiProperty({ description: 'Company name of the supplier' })
  companyName: string;
  @ApiProperty({ description: 'signed_up (no subscription yet), subscribed (no paid invoice yet), paying, or cancelled', enum: ['signed_up', 'subscribed', 'paying', 'cancelled'] })
  state: 'signed_up' | 'subscribed' | 'paying' | 'cancelled';
  @ApiProperty({ description: 'Discount locked for this supplier, basis points' })
  discountBp: number;
  @ApiProperty({ description: 'Your commission locked for this supplier, basis points' })
  commissionBp: number;
  @ApiProperty({ description: 'Months of commission from the first payment; null = unlimited', nullable: true, type: Number })
  commissionMonths: number | null;
  @ApiProperty({ description: 'One-off bonus locked for this supplier\'s first payment, minor units (string); "0" = none' })
  bonusAmount: string;
  @ApiProperty({ description: 'in_addition: the bonus and your commission; instead: the bonus only', enum: ['in_addition', 'instead'] })
  bonusMode: 'in_addition' | 'instead';
  @ApiProperty({ description: 'When the supplier signed up with your code' })
  signedUpAt: Date;
  @ApiProperty({ description: 'When its first invoice was paid', nullable: true, type: Date })
  firstPaidAt: Date | null;
  @ApiProperty({ description: 'Commission and bonus earned from this supplier so far (after refunds), minor units (string)' })
  earned: string;
}

export class EarningsView {
  @ApiProperty({ description: 'ISO 4217 currency of these figures' })
  currency: string;
  @ApiProperty({ description: 'Pending: earned on paid invoices but still inside the hold period; cannot be paid out yet (minor units, string)' })
  pending: string;
  @ApiProperty({ description: 'Available: the hold ended; will be paid in the next payout batch once it reaches the minimum. Negative = a refund or dispute after payout, carried against future earnings (minor units, string)' })
  available: string;
  @ApiProperty({ description: 'Disputed: held while the supplier disputes the payment (minor units, string)' })
  disputed: string;
  @ApiProperty({ description: 'In a payout batch being paid right now (minor units, string)' })
  inTransit: string;
  @ApiProperty({ description: 'Paid: already paid out to you, all time (minor units, string)' })
  paid: string;
}

export class StatementLineView {
  @ApiProperty({ description: 'Ledger posting id' })
  postingId: string;
  @ApiProperty({ description: 'When the movement happened' })
  occurredAt: Date;
  @ApiProperty({ description: 'Cause: invoice, hold_release, refund, dispute, commission_correction, bonus, bonus_clawback, payout, adjustment, lead_fee' })
  cause: string;
  @ApiProperty({ description: 'The business object behind it (invoice, refund, dispute, payout item id)' })
  causeRef: string;
  @ApiProperty({ description: 'What happened, in words' })
  description: string;
  @ApiProperty({ description: 'Which of your balances moved: referrer_pending, referrer_available, referrer_disputed, payouts_in_transit, referrer_paid' })
  account: string;
  @ApiProperty({ description: 'Change of that balance, minor units (string; negative = decrease)' })
  amount: string;
  @ApiProperty({ description: 'That balance right after the movement, minor units (string)' })
  balanceAfter: string;
}

export class MonthEarningsView {
  @ApiProperty({ description: 'Calendar month in the program time zone, YYYY-MM', example: '2026-11' })
  month: string;
  @ApiProperty({ description: 'When that month begins (program time zone), as an instant' })
  startsAt: Date;
  @ApiProperty({ description: 'Earned that month: commission accrued less refunds and lost disputes, plus adjustments; minor units (string, may be negative)' })
  amount: string;
}
