import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A buyer who recommends the service; one per referrer account. */
@Entity('referrers')
export class Referrer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', unique: true })
  userId: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  @Column({ name: 'company_name', type: 'text' })
  companyName: string;

  /** Digits/letters only; used to refuse self-referral. */
  @Column({ name: 'company_tax_id', type: 'text', nullable: true })
  companyTaxId: string | null;

  /** Domain of the sign-up email, lower-case; used to refuse self-referral. */
  @Column({ name: 'email_domain', type: 'text' })
  emailDomain: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
