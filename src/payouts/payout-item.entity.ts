import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint';
import { PayoutMethod } from '../payout-details/payout-details.entity';

export enum ItemStatus {
  Pending = 'pending',
  /** A transfer request may have reached Stripe; resolved by looking the transfer up. */
  Sending = 'sending',
  Paid = 'paid',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

@Entity('payout_items')
export class PayoutItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  batchId: string;

  @Column({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'bigint', transformer: bigintColumn })
  amount: bigint;

  @Column({ type: 'text' })
  method: PayoutMethod;

  @Column({ name: 'stripe_account_id', type: 'text', nullable: true })
  stripeAccountId: string | null;

  @Column({ name: 'bank_encrypted', type: 'bytea', nullable: true, select: false })
  bankEncrypted: Buffer | null;

  @Column({ type: 'text' })
  status: ItemStatus;

  @Column({ name: 'stripe_transfer_id', type: 'text', nullable: true })
  stripeTransferId: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
