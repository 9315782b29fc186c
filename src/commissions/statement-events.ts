import { StatementLineView } from './earnings.dto';

/**
 * The referrer's statement as business events: the ledger writes two or more entries per posting
 * (pending → available, available → in transit → paid ...); a person reads one row per event with
 * the figure that changed and the balance it belongs to after it.
 */
export type StatementEventKind =
  | 'commission'
  | 'hold_ended'
  | 'refund'
  | 'refund_reversed'
  | 'dispute_opened'
  | 'dispute_closed'
  | 'dispute_lost'
  | 'payout_reserved'
  | 'payout_paid'
  | 'payout_returned'
  | 'adjustment'
  | 'lead_fee'
  | 'bonus'
  | 'bonus_clawback'
  | 'other';

export interface StatementContext {
  invoiceNumber?: string | null;
  supplierCompany?: string | null;
  holdEndsAt?: Date | null;
  payoutMethod?: string | null;
  payoutStatus?: string | null;
  failureReason?: string | null;
  adjustmentReason?: string | null;
  /** The posting moves a one-off bonus (its hold release reads as the bonus's). */
  bonus?: boolean;
  /** A bonus taken back because its first payment came after the subscription ended (not a refund). */
  bonusIneligible?: boolean;
}

export interface StatementEvent {
  postingId: string;
  occurredAt: Date;
  kind: StatementEventKind;
  /** The change a person reads (minor units, signed). */
  amount: string;
  /** Which balance the running figure is of: pending, available, disputed, in_transit, paid. */
  balance: string;
  /** That balance right after the event (minor units). */
  balanceAfter: string;
  context: StatementContext;
}

const BALANCE_OF: Record<string, string> = {
  referrer_pending: 'pending',
  referrer_available: 'available',
  referrer_disputed: 'disputed',
  payouts_in_transit: 'in_transit',
  referrer_paid: 'paid',
};

/** Lines come newest first (as the ledger returns them); events keep that order. */
export function statementEvents(lines: StatementLineView[], contexts: Map<string, StatementContext> = new Map()): StatementEvent[] {
  const byPosting = new Map<string, StatementLineView[]>();
  for (const l of lines) {
    const list = byPosting.get(l.postingId);
    if (list) list.push(l);
    else byPosting.set(l.postingId, [l]);
  }
  const events: StatementEvent[] = [];
  for (const [postingId, entries] of byPosting) {
    const delta = (account: string) => entries.filter((e) => e.account === account).reduce((s, e) => s + BigInt(e.amount), 0n);
    const after = (account: string) => entries.find((e) => e.account === account)?.balanceAfter;
    const first = entries[0];
    const pick = (account: string, amount: bigint, kind: StatementEventKind): StatementEvent => ({
      postingId,
      occurredAt: first.occurredAt,
      kind,
      amount: amount.toString(),
      balance: BALANCE_OF[account] ?? account,
      balanceAfter: after(account) ?? '0',
      context: contexts.get(postingId) ?? {},
    });
    const largest = () => entries.reduce((a, b) => (abs(BigInt(b.amount)) > abs(BigInt(a.amount)) ? b : a)).account;
    const earned = delta('referrer_pending') + delta('referrer_available') + delta('referrer_disputed');
    switch (first.cause) {
      case 'invoice':
        events.push(pick(delta('referrer_pending') !== 0n ? 'referrer_pending' : largest(), earned, earned < 0n ? 'refund' : 'commission'));
        break;
      case 'hold_release':
        events.push(pick('referrer_available', delta('referrer_available'), 'hold_ended'));
        break;
      case 'refund':
        events.push(pick(largestNegative(entries) ?? largest(), earned, earned <= 0n ? 'refund' : 'refund_reversed'));
        break;
      case 'dispute': {
        const disputed = delta('referrer_disputed');
        const kind: StatementEventKind = earned < 0n ? 'dispute_lost' : disputed > 0n ? 'dispute_opened' : 'dispute_closed';
        if (kind === 'dispute_lost') events.push(pick(largestNegative(entries) ?? largest(), earned, kind));
        else if (kind === 'dispute_opened') events.push(pick('referrer_disputed', disputed, kind));
        else events.push(pick(delta('referrer_available') !== 0n ? 'referrer_available' : 'referrer_pending', -disputed, kind));
        break;
      }
      case 'payout': {
        const transit = delta('payouts_in_transit');
        if (delta('referrer_paid') > 0n) events.push(pick('referrer_paid', delta('referrer_paid'), 'payout_paid'));
        else if (transit > 0n) events.push(pick('referrer_available', delta('referrer_available'), 'payout_reserved'));
        else events.push(pick('referrer_available', delta('referrer_available'), 'payout_returned'));
        break;
      }
      case 'adjustment':
        events.push(pick('referrer_available', delta('referrer_available'), 'adjustment'));
        break;
      case 'bonus':
        events.push(pick(delta('referrer_pending') !== 0n ? 'referrer_pending' : largest(), earned, 'bonus'));
        break;
      case 'bonus_clawback':
        events.push(pick(largestNegative(entries) ?? largest(), earned, 'bonus_clawback'));
        break;
      case 'lead_fee': {
        const account = largest();
        events.push(pick(account, delta(account), 'lead_fee'));
        break;
      }
      default: {
        const account = largest();
        events.push(pick(account, delta(account), 'other'));
      }
    }
  }
  return events;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function largestNegative(entries: StatementLineView[]): string | undefined {
  const negatives = entries.filter((e) => BigInt(e.amount) < 0n);
  if (negatives.length === 0) return undefined;
  return negatives.reduce((a, b) => (BigInt(b.amount) < BigInt(a.amount) ? b : a)).account;
}
