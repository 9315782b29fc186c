import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint';

/**
 * Supplier → referrer, with the split and program terms locked at redemption: later changes of the
 * referrer's split or of the program apply to new suppliers only. At most one per supplier.
 */
@Entity('supplier_attributions')
export class SupplierAttribution {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'supplier_id', type: 'uuid', unique: true })
  supplierId: string;

  @Column({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  @Column({ name: 'promo_code_id', type: 'uuid' })
  promoCodeId: string;

  @Column({ name: 'discount_bp', type: 'int' })
  discountBp: number;

  @Column({ name: 'commission_bp', type: 'int' })
  commissionBp: number;

  /** Null = commission for as long as the supplier pays. */
  @Column({ name: 'commission_months', type: 'int', nullable: true })
  commissionMonths: number | null;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** The program's one-off bonus for this supplier's first payment (minor units; 0 = none), locked here. */
  @Column({ name: 'bonus_amount', type: 'bigint', transformer: bigintColumn, default: 0 })
  bonusAmount: bigint;

  /** Locked with the bonus: `in_addition` (bonus + percentage) or `instead` (bonus only). */
  @Column({ name: 'bonus_mode', type: 'text', default: 'in_addition' })
  bonusMode: 'in_addition' | 'instead';

  /** 'link' when the code came from the /join?ref= cookie, 'code' when typed. */
  @Column({ type: 'text' })
  via: 'code' | 'link';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Paid-at of the supplier's first paid invoice: the commission months count from here. */
  @Column({ name: 'first_paid_at', type: 'timestamptz', nullable: true })
  firstPaidAt: Date | null;

  /** The subscription ended: invoices paid after this earn nothing. */
  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt: Date | null;
}
