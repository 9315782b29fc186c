import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum PayoutMethod {
  StripeConnect = 'stripe_connect',
  Bank = 'bank',
}

/** Who is paid: a referrer, or a lead-exchange member (paid its referral fees). Same rules for both. */
export enum PayeeKind {
  Referrer = 'referrer',
  ExchangeMember = 'exchange_member',
}

/** Where a payee (referrer or exchange member) wants to be paid; one row per payee. Bank details are encrypted. */
@Entity('payout_details')
export class PayoutDetails {
  @PrimaryColumn({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  /** The payee behind `referrerId` (the column holds a referrer's or an exchange member's id). */
  @Column({ name: 'payee_kind', type: 'text', default: PayeeKind.Referrer })
  payeeKind: PayeeKind;

  @Column({ type: 'text' })
  method: PayoutMethod;

  @Column({ name: 'stripe_account_id', type: 'text', nullable: true })
  stripeAccountId: string | null;

  /** Stripe reports the transfers capability active: transfers to this account will be accepted. */
  @Column({ name: 'stripe_transfers_active', type: 'boolean', default: false })
  stripeTransfersActive: boolean;

  @Column({ name: 'stripe_details_submitted', type: 'boolean', default: false })
  stripeDetailsSubmitted: boolean;

  @Column({ name: 'stripe_status_at', type: 'timestamptz', nullable: true })
  stripeStatusAt: Date | null;

  @Column({ name: 'bank_encrypted', type: 'bytea', nullable: true })
  bankEncrypted: Buffer | null;

  @Column({ name: 'bank_account_last4', type: 'text', nullable: true })
  bankAccountLast4: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
