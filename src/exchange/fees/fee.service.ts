import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerService } from '../../ledger/ledger.service';
import { AccountKind, PostingCause } from '../../ledger/ledger.types';
import { formatMoney } from '../../money/money';
import { ExchangeSettingsService } from '../settings/settings.service';
import { FeePayer, feeFor, feePostingSides } from './fee';
import { PAYOUT_DETAILS_PAGE, PayoutDetailsService } from '../../payout-details/payout-details.service';
import { PayeeKind } from '../../payout-details/payout-details.entity';
import { payoutReadiness, PayoutReadiness } from '../../payout-details/payout-readiness';
import { ProgramService } from '../../program/program.service';
import { MemberFeesView, MemberFeeView } from './fee.dto';
import { FeeFact, memberStatement, MemberStatementLine, PayoutFact } from './fee-statement';
import { PayoutsService } from '../../payouts/payouts.service';

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
    private readonly payouts: PayoutsService,
    private readonly details: PayoutDetailsService,
    private readonly program: ProgramService,
    private readonly db: DataSource,
  ) {}

  async onWon(m: EntityManager, lead: { id: string; submitter_member_id: string | null; receiver_member_id?: string | null; currency: string }, wonValue: bigint): Promise<bigint> {
    if (!lead.submitter_member_id) return 0n;
    const { fee, feePayer } = await this.settings.get(m);
    const amount = feeFor(fee, wonValue);
    if (amount <= 0n) return 0n;
    const currency = String(lead.currency).trim();
    const basis = fee.kind === 'percent' ? `${fee.bp} bp of ${wonValue}` : 'fixed';
    const { debitMemberId, creditMemberId } = feePostingSides(feePayer, lead.submitter_member_id, lead.receiver_member_id ?? null);
    const posting = await this.ledger.post(m, {
      idempotencyKey: `lead-fee:${lead.id}`,
      cause: PostingCause.LeadFee,
      causeRef: lead.id,
      description: debitMemberId ? `Referral fee for a won lead (${basis}), paid by the receiving member` : `Referral fee for a won lead (${basis})`,
      lines: [
        debitMemberId
          ? { account: { kind: AccountKind.ReferrerAvailable, ownerId: debitMemberId, currency }, amount: -amount }
          : { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount: -amount },
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: creditMemberId, currency }, amount },
      ],
      metadata: { leadId: lead.id, wonValue: wonValue.toString(), fee: fee.kind, payer: debitMemberId ? 'receiving_member' : 'operator' },
      // The fee is charged to the receiving member whatever it holds: it may be left owing.
      clawback: true,
    });
    await m.query(
      `INSERT INTO exchange_fees (lead_id, member_id, amount, currency, basis, posting_id, payer_member_id) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lead_id) DO NOTHING`,
      [lead.id, creditMemberId, amount.toString(), currency, basis, posting.postingId, debitMemberId],
    );
    return amount;
  }

  /** What a member earned in referral fees: each fee, the total, and its balances in the ledger; and the fees charged to it. */
  async forMember(memberId: string, m: EntityManager): Promise<MemberFeesView> {
    const { currency } = await this.settings.get(m);
    const rows: FeeRow[] = await m.query(
      `SELECT f.lead_id, l.company_name, f.amount, f.currency, f.basis, f.created_at, f.member_id = $1 AS earned
         FROM exchange_fees f JOIN exchange_leads l ON l.id = f.lead_id
        WHERE f.member_id = $1 OR f.payer_member_id = $1 ORDER BY f.created_at DESC, f.id DESC LIMIT 1000`,
      [memberId],
    );
    const sum = (list: FeeRow[]) => list.filter((r) => r.currency.trim() === currency).reduce((total, r) => total + BigInt(r.amount), 0n);
    const earned = rows.filter((r) => r.earned);
    const charged = rows.filter((r) => !r.earned);
    const total = sum(earned);
    const balances = await this.ledger.balances(memberId, currency, m);
    return {
      currency,
      total: total.toString(),
      totalText: formatMoney(total, currency),
      available: balances.available.toString(),
      paid: balances.paid.toString(),
      pending: (balances.pending + balances.inTransit).toString(),
      chargedTotal: sum(charged).toString(),
      fees: earned.map(feeView),
      charged: charged.map(feeView),
    };
  }

  /** The fees card of the member's page: balances, and whether the available money goes out in the next payout run. */
  async card(memberId: string): Promise<MemberFeesView & { readiness: PayoutReadiness & { detailsHref: string }; feePayer: FeePayer; detailsUsable: boolean }> {
    const [view, program, details, settings] = await Promise.all([this.forMember(memberId, this.db.manager), this.program.settings(), this.details.view(memberId), this.settings.get()]);
    const readiness = payoutReadiness(view.currency, BigInt(view.available), program.payoutMinimum, details.usable);
    return { ...view, readiness: { ...readiness, detailsHref: PAYOUT_DETAILS_PAGE[PayeeKind.ExchangeMember] }, feePayer: settings.feePayer, detailsUsable: details.usable };
  }

  /** The member's statement: every fee earned or charged and every payout of its fees, newest first. */
  async statement(memberId: string): Promise<{ currency: string; lines: MemberStatementLine[] }> {
    const view = await this.forMember(memberId, this.db.manager);
    const fact = (side: FeeFact['side']) => (f: MemberFeeView): FeeFact => ({ leadId: f.leadId, leadCompany: f.leadCompany, amount: BigInt(f.amount), at: new Date(f.createdAt), side });
    const fees = [...view.fees.filter((f) => f.currency === view.currency).map(fact('earned')), ...view.charged.filter((f) => f.currency === view.currency).map(fact('charged'))];
    const payouts: PayoutFact[] = (await this.payouts.itemsOfPayee(memberId)).filter((p) => p.currency === view.currency);
    return { currency: view.currency, lines: memberStatement(fees, payouts) };
  }
}

interface FeeRow {
  lead_id: string;
  company_name: string;
  amount: bigint;
  currency: string;
  basis: string;
  created_at: Date;
  earned: boolean;
}

function feeView(r: FeeRow): MemberFeeView {
  return {
    leadId: r.lead_id,
    leadCompany: r.company_name,
    amount: BigInt(r.amount).toString(),
    amountText: formatMoney(BigInt(r.amount), r.currency.trim()),
    currency: r.currency.trim(),
    basis: r.basis,
    createdAt: r.created_at,
  };
}
