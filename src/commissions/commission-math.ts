import { applyBasisPoints } from '../money/money';

/**
 * The pure arithmetic of a commission, recomputed from the invoice's cumulative facts every time
 * one of them changes; only the difference to what was already posted is posted. Because the
 * target depends only on the set of facts, not the order they arrived in, duplicated, reordered or
 * concurrent events end where in-order delivery would.
 */
export interface InvoiceFacts {
  /** False until invoice.paid arrived (a refund may come first: its commission target is 0). */
  paid: boolean;
  /** Locked commission rate; null when the invoice earns nothing (no attribution, outside the months). */
  commissionBp: number | null;
  amountPaid: bigint;
  total: bigint;
  totalExcludingTax: bigint;
  /** Cumulative refunded on the invoice's payment, tax included (as Stripe reports money). */
  refunded: bigint;
  /** Disputed amounts: still open, and lost (money taken back). Won disputes count as neither. */
  disputedOpen: bigint;
  disputedLost: bigint;
  /** The hold ended and the release job moved the commission to available. */
  released: boolean;
}

export interface CommissionSplit {
  pending: bigint;
  available: bigint;
  disputed: bigint;
}

export const ZERO_SPLIT: CommissionSplit = { pending: 0n, available: 0n, disputed: 0n };

/** The tax-excluded share of an amount paid, in proportion total_excluding_tax / total, half-up. */
export function excludingTax(gross: bigint, total: bigint, totalExcludingTax: bigint): bigint {
  if (gross <= 0n || total <= 0n) return 0n;
  if (totalExcludingTax >= total) return gross;
  return (gross * totalExcludingTax * 2n + total) / (total * 2n);
}

/** Where the invoice's commission should be now. */
export function targetSplit(f: InvoiceFacts): CommissionSplit {
  if (!f.paid || f.commissionBp === null) return ZERO_SPLIT;
  const net = maxBig(0n, f.amountPaid - f.refunded - f.disputedLost);
  const total = applyBasisPoints(excludingTax(net, f.total, f.totalExcludingTax), f.commissionBp);
  const disputedGross = minBig(net, f.disputedOpen);
  const disputed = minBig(total, applyBasisPoints(excludingTax(disputedGross, f.total, f.totalExcludingTax), f.commissionBp));
  const rest = total - disputed;
  return f.released ? { pending: 0n, available: rest, disputed } : { pending: rest, available: 0n, disputed };
}

export function difference(target: CommissionSplit, posted: CommissionSplit): CommissionSplit {
  return { pending: target.pending - posted.pending, available: target.available - posted.available, disputed: target.disputed - posted.disputed };
}

export function isZero(s: CommissionSplit): boolean {
  return s.pending === 0n && s.available === 0n && s.disputed === 0n;
}

/** paid_at falls inside the attribution's commission months counted from the first paid invoice. */
export function withinCommissionMonths(paidAt: Date, firstPaidAt: Date, months: number | null): boolean {
  if (months === null) return true;
  const end = new Date(firstPaidAt.getTime());
  end.setUTCMonth(end.getUTCMonth() + months);
  return paidAt.getTime() < end.getTime();
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
