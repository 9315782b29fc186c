import { BP_SCALE } from '../money/money';

/**
 * THE commission rules, pure (no I/O): which invoice earns (eligibility), how much (amount), and
 * what a payment's refunds and disputes leave of it. Webhook use cases, reconciliation and the
 * statements all call these functions; nothing else decides a commission.
 *
 * Amounts are bigint minor units, rates basis points. The amount is computed exactly as one
 * fraction and rounded ONCE, half-up, at the end: net paid × (total excl. tax / total) × bp.
 */

/** How the one-off bonus combines with the recurring percentage. */
export type BonusMode = 'in_addition' | 'instead';

/** The terms locked on the attribution that applies to an invoice. */
export interface AttributionTerms {
  commissionBp: number;
  /** null: unlimited. */
  commissionMonths: number | null;
  /** The earliest paid invoice known for this attribution (the months count from it). */
  firstPaidAt: Date | null;
  /** The supplier's subscription ended then; invoices paid after it earn nothing. */
  stoppedAt: Date | null;
  /** The one-off bonus for the first payment, minor units (0: none). Absent: none. */
  bonusAmount?: bigint;
  /** `instead`: the bonus replaces the recurring percentage. Absent: in_addition. */
  bonusMode?: BonusMode;
}

/**
 * THE eligibility rule: a payment at `paidAt` counts for the attribution (it exists, the payment is
 * not after the stop date, and falls inside the commission months counted from the first payment).
 */
export function eligiblePayment(terms: AttributionTerms | null, paidAt: Date): terms is AttributionTerms {
  if (!terms) return false;
  if (terms.stoppedAt !== null && paidAt.getTime() > terms.stoppedAt.getTime()) return false;
  const first = terms.firstPaidAt === null || paidAt.getTime() < terms.firstPaidAt.getTime() ? paidAt : terms.firstPaidAt;
  return withinCommissionMonths(paidAt, first, terms.commissionMonths);
}

/** The bonus replaces the recurring percentage (mode `instead` with an amount above 0). */
export function bonusReplacesPercentage(terms: Pick<AttributionTerms, 'bonusAmount' | 'bonusMode'>): boolean {
  return terms.bonusMode === 'instead' && (terms.bonusAmount ?? 0n) > 0n;
}

/** The locked rate an invoice paid at `paidAt` earns, or null when it earns nothing (in `instead` mode: never). */
export function eligibleRate(terms: AttributionTerms | null, paidAt: Date): number | null {
  if (!eligiblePayment(terms, paidAt)) return null;
  return bonusReplacesPercentage(terms) ? null : terms.commissionBp;
}

/** The one-off bonus the attribution's first payment (paid at `firstPaidAt`) earns: the locked amount, or 0. */
export function bonusEarned(terms: AttributionTerms | null, firstPaidAt: Date): bigint {
  if (!terms || (terms.bonusAmount ?? 0n) <= 0n) return 0n;
  return eligiblePayment(terms, firstPaidAt) ? terms.bonusAmount! : 0n;
}

/** paid_at falls inside the commission months counted from the first paid invoice. */
export function withinCommissionMonths(paidAt: Date, firstPaidAt: Date, months: number | null): boolean {
  if (months === null) return true;
  const end = new Date(firstPaidAt.getTime());
  end.setUTCMonth(end.getUTCMonth() + months);
  return paidAt.getTime() < end.getTime();
}

/**
 * bp of the tax-excluded share of `gross` (a part of an invoice paid with tax), as one exact
 * fraction gross × totalExcludingTax × bp / (total × 10 000), rounded half-up once.
 */
export function commissionOn(gross: bigint, total: bigint, totalExcludingTax: bigint, bp: number): bigint {
  if (gross <= 0n || total <= 0n || bp <= 0) return 0n;
  const excl = totalExcludingTax >= total ? total : totalExcludingTax < 0n ? 0n : totalExcludingTax;
  const num = gross * excl * BigInt(bp);
  const den = total * BP_SCALE;
  return (num * 2n + den) / (den * 2n);
}

// ---- refunds ---------------------------------------------------------------------------------

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

/** A refund as last known (statuses merged by mergeRefundStatus). */
export interface KnownRefund {
  chargeId: string | null;
  amount: bigint;
  status: string;
}

const FINAL_FAILED = new Set(['failed', 'canceled']);

/** Refunds that stand (take money back): succeeded, pending, or waiting for action. */
export function refundStands(status: string): boolean {
  return !FINAL_FAILED.has(status);
}

/**
 * The status to keep when a refund is reported again, whatever the delivery order: failed and
 * canceled are final, succeeded beats pending, otherwise the newer report.
 */
export function mergeRefundStatus(stored: string, reported: string): string {
  if (FINAL_FAILED.has(stored)) return stored;
  if (FINAL_FAILED.has(reported)) return reported;
  if (stored === 'succeeded') return stored;
  return reported;
}

/**
 * Refunded amount of a payment: the sum of the refunds that stand. A charge's `amount_refunded`
 * (charge.refunded) only counts where it names refunds not known one by one yet: per charge,
 * max(0, largest amount_refunded seen − every known refund of the charge, standing or not). Once
 * every refund's own event has arrived that remainder is 0, so the result is exactly the standing
 * refunds in any delivery order (a failed refund gives its commission back).
 */
export function refundedAmount(refunds: KnownRefund[], chargeRefunded: { chargeId: string; amountRefunded: bigint }[]): bigint {
  let standing = 0n;
  const knownPerCharge = new Map<string, bigint>();
  for (const r of refunds) {
    if (refundStands(r.status)) standing += r.amount;
    if (r.chargeId) knownPerCharge.set(r.chargeId, (knownPerCharge.get(r.chargeId) ?? 0n) + r.amount);
  }
  let unidentified = 0n;
  for (const c of chargeRefunded) {
    const rest = c.amountRefunded - (knownPerCharge.get(c.chargeId) ?? 0n);
    if (rest > 0n) unidentified += rest;
  }
  return standing + unidentified;
}

// ---- disputes --------------------------------------------------------------------------------

export type DisputeState = 'open' | 'won' | 'lost';

/** Stripe's dispute status in our three states; a closed dispute stays closed (see mergeDisputeState). */
export function disputeState(status: string): DisputeState {
  if (status === 'lost') return 'lost';
  if (status === 'won' || status === 'warning_closed') return 'won';
  return 'open';
}

export function mergeDisputeState(stored: DisputeState, reported: DisputeState): DisputeState {
  return stored === 'open' ? reported : stored;
}

// ---- the target --------------------------------------------------------------------------------

/** Everything a commission depends on: the payment, the rate it earns, what was taken back. */
export interface InvoiceFacts {
  /** False until invoice.paid arrived (a refund may come first: the target is then 0). */
  paid: boolean;
  /** From eligibleRate; null when the invoice earns nothing. */
  commissionBp: number | null;
  amountPaid: bigint;
  total: bigint;
  totalExcludingTax: bigint;
  /** refundedAmount(), tax included as Stripe reports money. */
  refunded: bigint;
  disputedOpen: bigint;
  disputedLost: bigint;
  /** The hold ended: the commission sits in available. */
  released: boolean;
}

export interface CommissionSplit {
  pending: bigint;
  available: bigint;
  disputed: bigint;
}

export const ZERO_SPLIT: CommissionSplit = { pending: 0n, available: 0n, disputed: 0n };

/** Net paid: amount paid less standing refunds and lost disputes, never below 0. */
export function netPaid(f: Pick<InvoiceFacts, 'amountPaid' | 'refunded' | 'disputedLost'>): bigint {
  const net = f.amountPaid - f.refunded - f.disputedLost;
  return net > 0n ? net : 0n;
}

/** Where the invoice's commission should be now: its total, with the open-dispute share held apart. */
export function targetSplit(f: InvoiceFacts): CommissionSplit {
  if (!f.paid || f.commissionBp === null) return ZERO_SPLIT;
  const net = netPaid(f);
  const total = commissionOn(net, f.total, f.totalExcludingTax, f.commissionBp);
  const disputedGross = net < f.disputedOpen ? net : f.disputedOpen;
  const share = commissionOn(disputedGross, f.total, f.totalExcludingTax, f.commissionBp);
  const disputed = share < total ? share : total;
  const rest = total - disputed;
  return f.released ? { pending: 0n, available: rest, disputed } : { pending: rest, available: 0n, disputed };
}

// ---- the one-off bonus --------------------------------------------------------------------------

/** Everything the bonus depends on: what its first payment earned, and that payment's refunds. */
export interface BonusFacts {
  /** bonusEarned() for the attribution's first payment (0: none). */
  earned: bigint;
  /** The first invoice is known paid. */
  paid: boolean;
  amountPaid: bigint;
  /** refundedAmount() of the first invoice. */
  refunded: bigint;
  /** The bonus's hold ended. */
  released: boolean;
}

/** The first payment was refunded in full (a partial refund leaves the bonus alone). */
export function refundedInFull(f: Pick<BonusFacts, 'amountPaid' | 'refunded'>): boolean {
  return f.amountPaid > 0n && f.refunded >= f.amountPaid;
}

/** Where the bonus should be now: its amount, pending or available, or nothing once its payment is refunded in full. */
export function bonusTarget(f: BonusFacts): CommissionSplit {
  if (!f.paid || f.earned <= 0n || refundedInFull(f)) return ZERO_SPLIT;
  return f.released ? { pending: 0n, available: f.earned, disputed: 0n } : { pending: f.earned, available: 0n, disputed: 0n };
}

export function splitTotal(s: CommissionSplit): bigint {
  return s.pending + s.available + s.disputed;
}

export function difference(target: CommissionSplit, posted: CommissionSplit): CommissionSplit {
  return { pending: target.pending - posted.pending, available: target.available - posted.available, disputed: target.disputed - posted.disputed };
}

export function isZero(s: CommissionSplit): boolean {
  return s.pending === 0n && s.available === 0n && s.disputed === 0n;
}
