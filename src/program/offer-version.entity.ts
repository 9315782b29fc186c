import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An immutable text of the offer agreement; a database trigger refuses UPDATE and DELETE. */
@Entity('offer_versions')
export class OfferVersion {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int', unique: true })
  version: number;

  @Column({ type: 'text' })
  text: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;
}
