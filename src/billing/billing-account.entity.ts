import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint';

/** A supplier's Stripe side: customer, discount coupon and subscription, as Stripe last reported them. */
@Entity('billing_accounts')
export class BillingAccount {
  @PrimaryColumn({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ name: 'stripe_customer_id', type: 'text', unique: true })
  stripeCustomerId: string;

  @Column({ name: 'stripe_coupon_id', type: 'text', nullable: true })
  stripeCouponId: string | null;

  @Column({ name: 'stripe_subscription_id', type: 'text', nullable: true, unique: true })
  stripeSubscriptionId: string | null;

  /** Stripe's subscription status (incomplete, active, past_due, canceled, ...). */
  @Column({ name: 'subscription_status', type: 'text', nullable: true })
  subscriptionStatus: string | null;

  /** `created` of the Stripe event that last set the status, so an older event never overwrites a newer one. */
  @Column({ name: 'subscription_event_at', type: 'bigint', transformer: bigintColumn })
  subscriptionEventAt: bigint;

  @Column({ name: 'latest_invoice_url', type: 'text', nullable: true })
  latestInvoiceUrl: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
