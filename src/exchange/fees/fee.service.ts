import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerService } from '../../ledger/ledger.service';
import { AccountKind, PostingCause } from '../../ledger/ledger.types';
import { formatMoney } from '../../money/money';
import { ExchangeSettingsService } from '../settings/settings.service';
import { feeFor } from './fee';
import { MemberFeesView } from './fee.dto';

/**
 * The referral fee on a won deal, credited to the member that submitted the lead, inside the
 * transaction that records the win. One fee per lead (unique lead_id, and the ledger's idempotency
 * key `lead-fee:<leadId>`), so a retried request never pays twice. Operator-submitted leads earn none.
 */
@Injectable()
export class FeeService {
  constructor(
    private readonly settings: ExchangeSettingsService,
    private readonly ledger: LedgerService,
  ) {}

  async onWon(m: EntityManager, lead: { id: string; submitter_member_id: string | null; currency: string }, wonValue: bigint): Promise<bigint> {
    if (!lead.submitter_member_id) return 0n;
    const { fee } = await this.settings.get(m);
    const amount = feeFor(fee, wonValue);
    if (amount <= 0n) return 0n;
    const currency = String(lead.currency).trim();
    const basis = fee.kind === 'percent' ? `${fee.bp} bp of ${wonValue}` : 'fixed';
    const posting = await this.ledger.post(m, {
      idempotencyKey: `lead-fee:${lead.id}`,
      cause: PostingCause.LeadFee,
      causeRef: lead.id,
      description: `Referral fee for a won lead (${basis})`,
      lines: [
        { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount: -amount },
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: lead.submitter_member_id, currency }, amount },
      ],
      metadata: { leadId: lead.id, wonValue: wonValue.toString(), fee: fee.kind },
    });
    await m.query(`INSERT INTO exchange_fees (lead_id, member_id, amount, currency, basis, posting_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lead_id) DO NOTHING`, [
      lead.id,
      lead.submitter_member_id,
      amount.toString(),
      currency,
      basis,
      posting.postingId,
    ]);
    return amount;
  }

  /** What a member earned in referral fees: each fee, the total, and its balances in the ledger. */
  async forMember(memberId: string, m: EntityManager): Promise<MemberFeesView> {
    const { currency } = await this.settings.get(m);
    const rows: { lead_id: string; company_name: string; amount: bigint; currency: string; basis: string; created_at: Date }[] = await m.query(
      `SELECT f.lead_id, l.company_name, f.amount, f.currency, f.basis, f.created_at
         FROM exchange_fees f JOIN exchange_leads l ON l.id = f.lead_id
        WHERE f.member_id = $1 ORDER BY f.created_at DESC, f.id DESC`,
      [memberId],
    );
    const total = rows.filter((r) => r.currency.trim() === currency).reduce((sum, r) => sum + BigInt(r.amount), 0n);
    const balances = await this.ledger.balances(memberId, currency, m);
    return {
      currency,
      total: total.toString(),
      totalText: formatMoney(total, currency),
      available: balances.available.toString(),
      paid: balances.paid.toString(),
      fees: rows.map((r) => ({
        leadId: r.lead_id,
        leadCompany: r.company_name,
        amount: BigInt(r.amount).toString(),
        amountText: formatMoney(BigInt(r.amount), r.currency.trim()),
        currency: r.currency.trim(),
        basis: r.basis,
        createdAt: r.created_at,
      })),
    };
  }
}
