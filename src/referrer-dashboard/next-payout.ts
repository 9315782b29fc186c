import { payoutReadiness } from '../payout-details/payout-readiness';

export type PayoutBlockerKind = 'negative_balance' | 'below_minimum' | 'no_payout_details' | 'on_hold' | 'email_unconfirmed';

export interface PayoutBlocker {
  kind: PayoutBlockerKind;
  /** negative_balance: what must be earned back; below_minimum: what is missing to the minimum; on_hold: what is still held. */
  amount: bigint;
  /** on_hold: when the last of the held money becomes available. */
  until: Date | null;
}

export interface NextPayoutPlan {
  state: 'ready' | 'blocked' | 'nothing';
  /** ready: what the next batch pays; blocked: what would be paid once the hold ends (or what is available); nothing: 0. */
  amount: bigint;
  /** When the money reaches the minimum through hold releases (null when ready now or not foreseeable). */
  expectedAt: Date | null;
  blockers: PayoutBlocker[];
}

/**
 * When the next payout comes, how much, and what stands in its way. Built on payoutReadiness (the
 * one rule for "below the minimum" and "no payout details"), plus what it does not tell: a negative
 * balance carried after a refund, and money still in its hold with the dates it is released.
 */
export function nextPayout(
  b: { available: bigint; pending: bigint },
  minimum: bigint,
  detailsUsable: boolean,
  holds: { availableAt: Date; amount: bigint }[],
  currency = '',
  emailUnconfirmed = false,
): NextPayoutPlan {
  const r = payoutReadiness(currency, b.available, minimum, detailsUsable);
  const something = b.available > 0n || b.pending > 0n;
  // Payouts wait for a confirmed address (PAYOUT_EMAIL_VERIFICATION=required).
  const email: PayoutBlocker[] = emailUnconfirmed && something ? [{ kind: 'email_unconfirmed', amount: 0n, until: null }] : [];
  if (r.ready) return { state: email.length ? 'blocked' : 'ready', amount: b.available, expectedAt: null, blockers: email };
  const blockers: PayoutBlocker[] = [...email];
  if (b.available < 0n) blockers.push({ kind: 'negative_balance', amount: -b.available, until: null });
  // What is missing to the minimum: payoutReadiness's figure; with nothing available yet but money
  // on hold, the whole minimum.
  const short = r.belowMinimum ? BigInt(r.missing) : b.available === 0n && b.pending > 0n ? minimum : 0n;
  if (short > 0n) blockers.push({ kind: 'below_minimum', amount: short, until: null });
  if (!detailsUsable && something) blockers.push({ kind: 'no_payout_details', amount: 0n, until: null });
  if (b.pending > 0n) blockers.push({ kind: 'on_hold', amount: b.pending, until: holds.length ? holds[holds.length - 1].availableAt : null });
  let expectedAt: Date | null = null;
  let amount = b.available > 0n ? b.available : 0n;
  let acc = b.available;
  for (const h of holds) {
    acc += h.amount;
    if (acc > 0n && acc >= minimum) {
      expectedAt = h.availableAt;
      amount = acc;
      break;
    }
  }
  return { state: blockers.length ? 'blocked' : 'nothing', amount, expectedAt, blockers };
}
