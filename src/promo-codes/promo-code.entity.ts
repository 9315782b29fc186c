import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum PromoCodeStatus {
  Active = 'active',
  Paused = 'paused',
  Revoked = 'revoked',
}

@Entity('promo_codes')
export class PromoCode {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  /** Upper-case, unique. */
  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  status: PromoCodeStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt: Date | null;
}
