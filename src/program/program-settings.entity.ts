import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint';

/** How the one-off bonus combines with the recurring percentage. */
export type BonusMode = 'in_addition' | 'instead';
export const BONUS_MODES: readonly BonusMode[] = ['in_addition', 'instead'];

/** The one partner program (a single row, id = 1). */
@Entity('program_settings')
export class ProgramSettings {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  /** The program's name: its brand in pages and emails (default "Handshake"). */
  @Column({ type: 'text', default: 'Handshake' })
  name: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** B: the share of each payment the program gives away, split into discount + commission. */
  @Column({ name: 'budget_bp', type: 'int' })
  budgetBp: number;

  @Column({ name: 'discount_min_bp', type: 'int' })
  discountMinBp: number;

  @Column({ name: 'discount_max_bp', type: 'int' })
  discountMaxBp: number;

  /** Null = commission for as long as the supplier pays. */
  @Column({ name: 'commission_months', type: 'int', nullable: true })
  commissionMonths: number | null;

  @Column({ name: 'hold_days', type: 'int' })
  holdDays: number;

  @Column({ name: 'payout_minimum', type: 'bigint', transformer: bigintColumn })
  payoutMinimum: bigint;

  /** IANA time zone of the program: months and dates on pages are counted in it (default UTC). */
  @Column({ name: 'time_zone', type: 'text', default: 'UTC' })
  timeZone: string;
  /** One-off bonus per converted supplier, minor units of the program's currency; 0 = none. */
  @Column({ name: 'bonus_amount', type: 'bigint', transformer: bigintColumn, default: 0 })
  bonusAmount: bigint;

  /** `in_addition`: the bonus and the recurring percentage; `instead`: the bonus only. */
  @Column({ name: 'bonus_mode', type: 'text', default: 'in_addition' })
  bonusMode: BonusMode;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;
}
