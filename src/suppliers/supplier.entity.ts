import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A wholesale company that subscribes to the service; one per supplier account. */
@Entity('suppliers')
export class Supplier {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', unique: true })
  userId: string;

  @Column({ name: 'company_name', type: 'text' })
  companyName: string;

  /** Normalized (capitals, no separators); unique: one supplier per company. */
  @Column({ name: 'company_tax_id', type: 'text', unique: true })
  companyTaxId: string;

  /** Domain of the sign-up email, lower-case. */
  @Column({ name: 'email_domain', type: 'text' })
  emailDomain: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
