import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Proof that a referrer accepted a given offer version: when and from which address. */
@Entity('offer_acceptances')
export class OfferAcceptance {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'referrer_id', type: 'uuid' })
  referrerId: string;

  @Column({ name: 'offer_version', type: 'int' })
  offerVersion: number;

  @CreateDateColumn({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt: Date;

  @Column({ type: 'text' })
  ip: string;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;
}
