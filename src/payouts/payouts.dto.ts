import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class PayoutPreviewQuery {
  @ApiPropertyOptional({ description: 'ISO 4217 currency of the batch (default: the program currency)', example: 'RUB' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in capitals' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Rows listed per group (eligible, left out); totals always cover everyone. 1–100000, default 1000' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;
}

export class PayoutPreviewRowView {
  @ApiProperty({ description: 'Referrer id' })
  referrerId: string;
  @ApiProperty({ description: 'Available balance, minor units' })
  available: string;
  @ApiProperty({ description: 'How the referrer would be paid: stripe_connect or bank', nullable: true, type: String })
  method: string | null;
}

export class PayoutExcludedRowView {
  @ApiProperty({ description: 'Referrer id' })
  referrerId: string;
  @ApiProperty({ description: 'Available balance, minor units (may be negative after a clawback)' })
  available: string;
  @ApiProperty({ description: 'Why the referrer is left out: below_minimum, negative_balance, no_details, connect_not_ready, email_unconfirmed (PAYOUT_EMAIL_VERIFICATION=required)' })
  reason: string;
}

export class PayoutPreviewView {
  @ApiProperty({ description: 'Currency of the batch' })
  currency: string;
  @ApiProperty({ description: 'Program payout minimum, minor units' })
  minimum: string;
  @ApiProperty({ description: 'Referrers a batch created now would pay' })
  eligibleCount: number;
  @ApiProperty({ description: 'What a batch created now would pay in total, minor units' })
  eligibleTotal: string;
  @ApiProperty({ description: 'Referrers with a non-zero available balance left out' })
  excludedCount: number;
  @ApiProperty({ description: 'Left-out referrers per reason', type: Object, example: { below_minimum: 3, no_details: 1 } })
  excludedByReason: Record<string, number>;
  @ApiProperty({ description: 'Eligible referrers, largest first (up to limit)', type: [PayoutPreviewRowView] })
  eligible: PayoutPreviewRowView[];
  @ApiProperty({ description: 'Left-out referrers (up to limit)', type: [PayoutExcludedRowView] })
  excluded: PayoutExcludedRowView[];
}

export class PayoutBatchItemDto {
  @ApiProperty({ description: 'Referrer to pay' })
  @IsUUID()
  referrerId: string;

  @ApiProperty({ description: 'Amount in minor units as a string; at most the referrer\'s available balance', example: '150000' })
  @IsString()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'amount must be a positive integer of minor units, as a string' })
  amount: string;
}

export class CreatePayoutBatchDto {
  @ApiPropertyOptional({ description: 'ISO 4217 currency (default: the program currency)' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code in capitals' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Pay only these referrers and amounts; omitted: everyone eligible, their whole available balance', type: [PayoutBatchItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => PayoutBatchItemDto)
  items?: PayoutBatchItemDto[];
}

export class MarkPayoutFailedDto {
  @ApiProperty({ description: 'What the bank said (shown to finance and in the referrer\'s statement)', example: 'Account closed' })
  @IsString()
  @MaxLength(500)
  reason: string;
}

export class PayoutBatchCountsView {
  @ApiProperty({ description: 'Items not yet sent' })
  pending: number;
  @ApiProperty({ description: 'Items whose transfer outcome is not yet known' })
  sending: number;
  @ApiProperty({ description: 'Items paid' })
  paid: number;
  @ApiProperty({ description: 'Items failed (money returned to available)' })
  failed: number;
  @ApiProperty({ description: 'Items cancelled with the batch' })
  cancelled: number;
}

export class PayoutBatchView {
  @ApiProperty({ description: 'Batch id (also the Stripe transfer_group)' })
  id: string;
  @ApiProperty({ description: 'Currency' })
  currency: string;
  @ApiProperty({ description: 'created, approved, executing, completed or cancelled' })
  status: string;
  @ApiProperty({ description: 'Number of items' })
  itemCount: number;
  @ApiProperty({ description: 'Total of the items, minor units' })
  total: string;
  @ApiProperty({ description: 'Finance user who created the batch' })
  createdBy: string;
  @ApiProperty({ description: 'Creation time' })
  createdAt: Date;
  @ApiProperty({ description: 'Finance user who approved it (never the creator)', nullable: true, type: String })
  approvedBy: string | null;
  @ApiProperty({ description: 'Approval time', nullable: true, type: Date })
  approvedAt: Date | null;
  @ApiProperty({ description: 'User who first executed it', nullable: true, type: String })
  executedBy: string | null;
  @ApiProperty({ description: 'First execution time', nullable: true, type: Date })
  executedAt: Date | null;
  @ApiProperty({ description: 'When every item was resolved', nullable: true, type: Date })
  completedAt: Date | null;
  @ApiProperty({ description: 'User who cancelled it', nullable: true, type: String })
  cancelledBy: string | null;
  @ApiProperty({ description: 'Cancellation time', nullable: true, type: Date })
  cancelledAt: Date | null;
  @ApiProperty({ description: 'Items per status', type: PayoutBatchCountsView })
  counts: PayoutBatchCountsView;
}

export class PayoutItemView {
  @ApiProperty({ description: 'Item id (Stripe idempotency key payout-item:<id>)' })
  id: string;
  @ApiProperty({ description: 'Batch id' })
  batchId: string;
  @ApiProperty({ description: 'Payee paid: a referrer id, or an exchange member id when payeeKind = exchange_member' })
  referrerId: string;
  @ApiProperty({ description: 'Who is paid: referrer (commissions) or exchange_member (lead-exchange referral fees)', enum: ['referrer', 'exchange_member'] })
  payeeKind: string;
  @ApiProperty({ description: 'Payee\'s email' })
  email: string;
  @ApiProperty({ description: 'Amount, minor units' })
  amount: string;
  @ApiProperty({ description: 'Currency' })
  currency: string;
  @ApiProperty({ description: 'stripe_connect or bank' })
  method: string;
  @ApiProperty({ description: 'Destination connected account', nullable: true, type: String })
  stripeAccountId: string | null;
  @ApiProperty({ description: 'pending, sending, paid, failed or cancelled' })
  status: string;
  @ApiProperty({ description: 'Stripe transfer id once paid through Connect', nullable: true, type: String })
  stripeTransferId: string | null;
  @ApiProperty({ description: 'Why the payout failed', nullable: true, type: String })
  failureReason: string | null;
  @ApiProperty({ description: 'When it was paid, failed or cancelled', nullable: true, type: Date })
  resolvedAt: Date | null;
}

export class PayoutBatchDetailView extends PayoutBatchView {
  @ApiProperty({ description: 'The batch\'s items (up to 1000; the CSV export has all)', type: [PayoutItemView] })
  items: PayoutItemView[];
}

export class PayoutExecutionView {
  @ApiProperty({ description: 'The batch after this run', type: PayoutBatchView })
  batch: PayoutBatchView;
  @ApiProperty({ description: 'Connect items paid in this run (including transfers found from an earlier run)' })
  transferred: number;
  @ApiProperty({ description: 'Connect items that failed in this run (money returned to available)' })
  failed: number;
  @ApiProperty({ description: 'Connect items whose outcome is unknown (Stripe unreachable); execute again to resume' })
  unresolved: number;
  @ApiProperty({ description: 'Bank items waiting to be marked paid or failed' })
  bankPending: number;
}

export class PayerAccountQuery {
  @ApiProperty({ description: 'Name of the paying company as its bank knows it', example: 'Handshake LLC' })
  @IsString()
  @MaxLength(140)
  payerName: string;

  @ApiProperty({ description: 'Paying bank: Russian BIC or SWIFT code', example: '044525225' })
  @IsString()
  @MaxLength(40)
  payerBank: string;

  @ApiProperty({ description: 'Paying account: 20-digit Russian account (with a BIC) or IBAN', example: '40702810938000012345' })
  @IsString()
  @MaxLength(60)
  payerAccount: string;
}
