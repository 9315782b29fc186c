import { ApiProperty } from '@nestjs/swagger';

export class InvoiceView {
  @ApiProperty({ description: 'Stripe invoice id (in_...)' })
  id: string;
  @ApiProperty({ description: 'Invoice number as Stripe assigned it', nullable: true, type: String })
  number: string | null;
  @ApiProperty({ description: 'Stripe status: draft, open, paid, void, uncollectible' })
  status: string;
  @ApiProperty({ description: 'ISO 4217 currency, capitals' })
  currency: string;
  @ApiProperty({ description: 'Total after discount and tax, minor units (string)' })
  total: string;
  @ApiProperty({ description: 'Total excluding tax, minor units (string)', nullable: true, type: String })
  totalExcludingTax: string | null;
  @ApiProperty({ description: 'Amount paid so far, minor units (string)' })
  amountPaid: string;
  @ApiProperty({ description: 'Stripe-hosted page to view or pay the invoice', nullable: true, type: String })
  hostedInvoiceUrl: string | null;
  @ApiProperty({ description: 'When Stripe created the invoice' })
  createdAt: Date;
  @ApiProperty({ description: 'When it was paid', nullable: true, type: Date })
  paidAt: Date | null;
}

export class BillingView {
  @ApiProperty({ description: 'not_started (no Stripe customer yet) or the Stripe subscription status (incomplete, active, past_due, canceled, ...)' })
  state: string;
  @ApiProperty({ description: 'Stripe customer id', nullable: true, type: String })
  customerId: string | null;
  @ApiProperty({ description: 'Stripe subscription id', nullable: true, type: String })
  subscriptionId: string | null;
  @ApiProperty({ description: 'Stripe coupon carrying the locked discount', nullable: true, type: String })
  couponId: string | null;
  @ApiProperty({ description: 'Where to pay the latest invoice (Stripe-hosted)', nullable: true, type: String })
  payUrl: string | null;
  @ApiProperty({ description: 'Invoices as Stripe reported them, newest first', type: [InvoiceView] })
  invoices: InvoiceView[];
}

export class PriceView {
  @ApiProperty({ description: 'The subscription price before any discount, minor units (string)' })
  unitAmount: string;
  @ApiProperty({ description: 'ISO 4217 currency, capitals' })
  currency: string;
  @ApiProperty({ description: 'Billing interval: day, week, month or year; null for a one-off price', nullable: true, type: String })
  interval: string | null;
  @ApiProperty({ description: 'Number of intervals between bills (1 = every month)' })
  intervalCount: number;
}
