import { Locale, translate } from '../../i18n/messages';
import { formatMoney } from '../../money/money-format';
import './fee.messages';

/** A referral fee as the member sees it: earned for a lead it passed, or charged for one it won. */
export interface FeeFact {
  leadId: string;
  leadCompany: string;
  amount: bigint;
  at: Date;
  side: 'earned' | 'charged';
}

/** A payout item of the member (its fees paid out in a payout batch). */
export interface PayoutFact {
  id: string;
  amount: bigint;
  method: string;
  status: string;
  at: Date;
  failureReason: string | null;
}

export type MemberStatementKind = 'fee_earned' | 'fee_charged' | 'payout_paid' | 'payout_in_progress' | 'payout_returned';

/** One line of a member's statement; `amount` is the change to what the member is owed (signed). */
export interface MemberStatementLine {
  kind: MemberStatementKind;
  at: Date;
  amount: bigint;
  leadId?: string;
  leadCompany?: string;
  /** The payout's own amount (a returned payout moves nothing in the end, but had an amount). */
  payout?: bigint;
  method?: string;
  status?: string;
  reason?: string | null;
}

/**
 * The member's statement, newest first: every fee (credited or, when the receiving member pays,
 * debited) and every payout of those fees. A failed or cancelled payout changes nothing in the end
 * (the money came back), so its amount is 0 and its words say so.
 */
export function memberStatement(fees: FeeFact[], payouts: PayoutFact[]): MemberStatementLine[] {
  const lines: MemberStatementLine[] = [
    ...fees.map((f): MemberStatementLine => ({ kind: f.side === 'earned' ? 'fee_earned' : 'fee_charged', at: f.at, amount: f.side === 'earned' ? f.amount : -f.amount, leadId: f.leadId, leadCompany: f.leadCompany })),
    ...payouts.map((p): MemberStatementLine => {
      const kind: MemberStatementKind = p.status === 'paid' ? 'payout_paid' : p.status === 'failed' || p.status === 'cancelled' ? 'payout_returned' : 'payout_in_progress';
      return { kind, at: p.at, amount: kind === 'payout_returned' ? 0n : -p.amount, payout: p.amount, method: p.method, status: p.status, reason: p.failureReason };
    }),
  ];
  return lines.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** The line in the member's words (no ledger account, batch or lead id). */
export function describeMemberStatementLine(locale: Locale, line: MemberStatementLine, currency: string): string {
  const abs = line.amount < 0n ? -line.amount : line.amount;
  const params = {
    company: line.leadCompany ?? '',
    amount: formatMoney(locale, line.payout ?? abs, currency),
    reason: line.reason ?? '',
  };
  let key = `exchange.statement.${line.kind}`;
  if (line.kind === 'payout_paid') key += line.method === 'stripe_connect' ? '.stripe' : '.bank';
  if (line.kind === 'payout_returned') key += line.status === 'failed' ? '.failed' : '.cancelled';
  return translate(locale, key, params);
}
