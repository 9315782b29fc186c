import { ApiProperty } from '@nestjs/swagger';
import { EarningsView, MonthEarningsView } from '../commissions/earnings.dto';
import { CodePathView } from '../referral-links/referral-links.dto';

export class LinkVisitsView {
  @ApiProperty({ description: 'Visits of your referral link by people: distinct visitors per day and code, all time' })
  people: number;
  @ApiProperty({ description: 'Visits by bots and link scanners, counted apart and not in people' })
  bots: number;
}

export class PayoutBlockerView {
  @ApiProperty({
    description: 'What stands in the way: negative_balance (a refund took back money already available or paid; it is earned back first), below_minimum (available is below the payout minimum), no_payout_details (add payout details), on_hold (commission still inside its hold period), email_unconfirmed (confirm the email address by the emailed link; only when PAYOUT_EMAIL_VERIFICATION=required)',
    enum: ['negative_balance', 'below_minimum', 'no_payout_details', 'on_hold', 'email_unconfirmed'],
  })
  kind: string;
  @ApiProperty({ description: 'negative_balance: the amount to earn back; below_minimum: how much more is needed; on_hold: the amount still held; no_payout_details and email_unconfirmed: 0. Minor units (string)' })
  amount: string;
  @ApiProperty({ description: 'on_hold: when the last held commission becomes available; otherwise null', nullable: true, type: Date })
  until: Date | null;
}

export class NextPayoutView {
  @ApiProperty({ description: 'ready (paid in the next payout batch), blocked (see blockers) or nothing (nothing earned yet)', enum: ['ready', 'blocked', 'nothing'] })
  state: string;
  @ApiProperty({ description: 'ready: the amount the next batch pays; blocked: what would be paid once the hold brings it over the minimum (else what is available now); nothing: 0. Minor units (string)' })
  amount: string;
  @ApiProperty({ description: 'When held commission brings the available balance to the payout minimum; null when ready now or not foreseeable', nullable: true, type: Date })
  expectedAt: Date | null;
  @ApiProperty({ description: 'The payout minimum of the program, minor units (string)' })
  minimum: string;
  @ApiProperty({ description: 'Whether you have usable payout details (bank details or a Stripe account that can receive payouts)' })
  payoutDetailsUsable: boolean;
  @ApiProperty({ description: 'Money in a payout batch being paid right now, minor units (string)' })
  inTransit: string;
  @ApiProperty({ description: 'Why nothing is paid yet, in order; empty when ready or nothing earned', type: [PayoutBlockerView] })
  blockers: PayoutBlockerView[];
}

export class BonusesView {
  @ApiProperty({ description: 'Suppliers whose first payment earned you a one-off bonus you still hold (not taken back)' })
  count: number;
  @ApiProperty({ description: 'Those bonuses together, pending or available, minor units (string)' })
  amount: string;
  @ApiProperty({ description: 'The bonus the program offers now for each new supplier\'s first payment, minor units (string); "0" = none' })
  programAmount: string;
  @ApiProperty({ description: 'in_addition: bonus and commission; instead: bonus only', enum: ['in_addition', 'instead'] })
  programMode: 'in_addition' | 'instead';
}

export class EmailStateView {
  @ApiProperty({ description: 'Your sign-in address' })
  email: string;
  @ApiProperty({ description: 'Whether you have confirmed it (through the link we mailed)' })
  verified: boolean;
  @ApiProperty({ description: 'Whether payouts wait for that confirmation (the program requires it and it is not given yet)' })
  payoutsWait: boolean;
}

export class ReferrerDashboardView {
  @ApiProperty({ description: 'ISO 4217 currency of every amount here (the program currency)' })
  currency: string;
  @ApiProperty({ description: 'IANA time zone the months are counted in (the program time zone)' })
  timeZone: string;
  @ApiProperty({ description: 'Visits of your referral links, people and bots apart', type: LinkVisitsView })
  visits: LinkVisitsView;
  @ApiProperty({ description: 'Suppliers who signed up with your codes (typed or through the link)' })
  suppliersSignedUp: number;
  @ApiProperty({ description: 'Of those, suppliers with at least one paid invoice' })
  suppliersPaying: number;
  @ApiProperty({ description: 'Your balances, the same figures as GET /api/referrers/me/earnings for the program currency', type: EarningsView })
  earnings: EarningsView;
  @ApiProperty({ description: 'One-off bonuses for suppliers\' first payments', type: BonusesView })
  bonuses: BonusesView;
  @ApiProperty({ description: 'Earned per month for the last 12 months in the program time zone, oldest first, this month last', type: [MonthEarningsView] })
  months: MonthEarningsView[];
  @ApiProperty({ description: 'The next payout: when, how much, and what stands in its way', type: NextPayoutView })
  nextPayout: NextPayoutView;
  @ApiProperty({ description: 'Per code: visits → sign-ups → paying, with rates', type: [CodePathView] })
  codes: CodePathView[];
  @ApiProperty({ description: 'Your email address and whether payouts wait for its confirmation', type: EmailStateView })
  emailState: EmailStateView;
}
