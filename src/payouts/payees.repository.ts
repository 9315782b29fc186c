import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PayeeKind } from '../payout-details/payout-details.entity';

/** Who a payout goes to, for people: a referrer by name and company, an exchange member by company. */
export interface PayeeName {
  kind: PayeeKind;
  fullName: string;
  companyName: string;
  email: string;
}

/**
 * The payees behind ledger owner ids (referrers and lead-exchange members share the payout path).
 * One query for both kinds, so previews and batches never show a bare id for a member.
 */
@Injectable()
export class PayeesRepository {
  constructor(private readonly db: DataSource) {}

  async namesOf(ids: string[]): Promise<Map<string, PayeeName>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; kind: PayeeKind; full_name: string; company_name: string; email: string }[] = await this.db.query(
      `SELECT r.id, 'referrer' AS kind, r.full_name, r.company_name, u.email FROM referrers r JOIN users u ON u.id = r.user_id WHERE r.id = ANY($1::uuid[])
       UNION ALL
       SELECT m.id, 'exchange_member' AS kind, m.contact_name, m.company_name, u.email FROM exchange_members m JOIN users u ON u.id = m.user_id WHERE m.id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { kind: r.kind, fullName: r.full_name, companyName: r.company_name, email: r.email }]));
  }
}
