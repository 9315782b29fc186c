import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate } from 'class-validator';

export class ReconciliationPeriodQuery {
  @ApiProperty({ description: 'Start of the period, inclusive (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @Type(() => Date)
  @IsDate()
  from: Date;

  @ApiProperty({ description: 'End of the period, exclusive (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @Type(() => Date)
  @IsDate()
  to: Date;
}

export class ReconciliationDifferenceView {
  @ApiProperty({
    description:
      'paid_invoice_without_commission, commission_mismatch (the ledger holds a commission other than the locked rate × net paid, tax excluded, within the commission months), commission_without_paid_invoice, transfer_without_payout, payout_without_transfer, amount_mismatch, duplicate_transfer, payout_not_in_ledger',
  })
  kind: string;
  @ApiProperty({ description: 'Stripe or local id the difference is about (invoice, transfer, payout item)' })
  ref: string;
  @ApiProperty({ description: 'Amount Stripe shows, minor units', nullable: true, type: String })
  stripeAmount: string | null;
  @ApiProperty({ description: 'Amount recorded here, minor units', nullable: true, type: String })
  recordedAmount: string | null;
  @ApiProperty({ description: 'What is wrong, in words' })
  detail: string;
  @ApiPropertyOptional({ description: 'Supplier of the invoice, when known (invoice differences)', nullable: true, type: String })
  supplierId?: string | null;
  @ApiPropertyOptional({ description: 'Commission the rules expect for the invoice, minor units (invoice differences)', type: String })
  expectedAmount?: string;
  @ApiPropertyOptional({ description: 'When Stripe shows the invoice paid (invoice differences)', type: Date })
  paidAt?: Date;
  @ApiPropertyOptional({ description: 'The invoice status Stripe shows, or null when Stripe does not know it (commission_without_paid_invoice)', nullable: true, type: String })
  stripeStatus?: string | null;
  @ApiPropertyOptional({ description: 'The payout item the difference is about, when known (transfer and payout differences)', type: String })
  payoutItemId?: string;
}

export class ReconciliationView {
  @ApiProperty({ description: 'Period start (inclusive)' })
  from: Date;
  @ApiProperty({ description: 'Period end (exclusive)' })
  to: Date;
  @ApiProperty({ description: 'Invoices Stripe shows paid in the period' })
  stripePaidInvoices: number;
  @ApiProperty({ description: 'Of those, invoices that earn a commission (referred supplier, within the commission months, before any stop date)' })
  referredPaidInvoices: number;
  @ApiProperty({ description: 'Commission postings (cause invoice) in the ledger for the period' })
  ledgerCommissions: number;
  @ApiProperty({ description: 'Amount paid on the invoices Stripe shows paid in the period, minor units' })
  stripePaidInvoicesTotal: string;
  @ApiProperty({ description: 'Commission the program rules expect for those invoices, minor units' })
  expectedCommissionsTotal: string;
  @ApiProperty({ description: 'Commission the ledger accrued in the period, minor units' })
  ledgerCommissionsTotal: string;
  @ApiProperty({ description: 'Transfers Stripe shows created in the period' })
  stripeTransfers: number;
  @ApiProperty({ description: 'Their total, minor units' })
  stripeTransfersTotal: string;
  @ApiProperty({ description: 'Connect payout items recorded paid in the period' })
  recordedPayouts: number;
  @ApiProperty({ description: 'Their total, minor units' })
  recordedPayoutsTotal: string;
  @ApiProperty({ description: 'Every difference found; empty when the books agree', type: [ReconciliationDifferenceView] })
  differences: ReconciliationDifferenceView[];
}
