import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per split change; the latest applies to suppliers who redeem the code afterwards. */
@Entity('referrer_splits')
export class ReferrerSplit {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  @Column({ name: 'discount_bp', type: 'int' })
  discountBp: number;

  @Column({ name: 'commission_bp', type: 'int' })
  commissionBp: number;

  @Column({ name: 'budget_bp', type: 'int' })
  budgetBp: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
