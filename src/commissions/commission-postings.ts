import { AccountKind, PostingCause, PostingLine, PostingRequest } from '../ledger/ledger.types';
import { CommissionSplit, splitTotal } from './commission-rules';
import { CommissionRow } from './commission.repository';
import { BonusRow } from './bonus.repository';

/** What made a commission change: decides the posting's cause and reference in the statement. */
export interface Trigger {
  cause: PostingCause.Invoice | PostingCause.Refund | PostingCause.Dispute | PostingCause.CommissionCorrection;
  ref: string;
  /** For corrections: why the commission was re-judged, in words. */
  reason?: string;
}

/**
 * The posting that moves an invoice's commission from what is posted to its target. Its key is per
 * business effect: `commission:<invoice>` for the first movement, `commission:<invoice>:<n>` for
 * the n-th (n = the row's adjustments so far, read and bumped under the row's lock).
 */
export function commissionPosting(row: CommissionRow, trigger: Trigger, diff: CommissionSplit, target: CommissionSplit): PostingRequest {
  const net = splitTotal(diff);
  // A commission that shrinks through an invoice event (refund facts that arrived first) is still a refund.
  const cause = trigger.cause === PostingCause.Invoice && net < 0n ? PostingCause.Refund : trigger.cause;
  const n = row.adjustments;
  return {
    idempotencyKey: n === 0 ? `commission:${row.invoice_id}` : `commission:${row.invoice_id}:${n}`,
    cause,
    causeRef: trigger.ref,
    description: describeChange(cause, row.invoice_id, diff, trigger.reason),
    lines: commissionLines(row.referrer_id!, row.currency!, diff),
    occurredAt: cause === PostingCause.Invoice && row.paid_at ? new Date(row.paid_at) : undefined,
    metadata: { invoiceId: row.invoice_id, commissionId: row.id, commissionBp: row.commission_bp, target: stringify(target) },
    // A refund, a dispute or a correction moves commission that may already be released or paid out:
    // the referrer may be left owing. The first accrual of a paid invoice only credits.
    clawback: cause !== PostingCause.Invoice,
  };
}

/** Balanced lines for a change of the commission: referrer accounts by the change, expense the opposite. */
function commissionLines(referrerId: string, currency: string, diff: CommissionSplit): PostingLine[] {
  const lines: PostingLine[] = [];
  const add = (kind: AccountKind, amount: bigint) => amount !== 0n && lines.push({ account: { kind, ownerId: referrerId, currency }, amount });
  add(AccountKind.ReferrerPending, diff.pending);
  add(AccountKind.ReferrerAvailable, diff.available);
  add(AccountKind.ReferrerDisputed, diff.disputed);
  const net = splitTotal(diff);
  if (net !== 0n) lines.push({ account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount: -net });
  return lines;
}

/**
 * The posting that moves the attribution's one-off bonus to its target: cause `bonus` when it grows
 * (earned, or restored after a refund failed), `bonus_clawback` when it shrinks (its first payment
 * refunded in full). Keys per attribution: `bonus:<attribution>` for the first movement (so exactly
 * one bonus is ever earned), `bonus:<attribution>:<n>` for the n-th.
 */
export function bonusPosting(row: BonusRow, diff: CommissionSplit, target: CommissionSplit, why: 'refunded' | 'ineligible' = 'refunded'): PostingRequest {
  const net = splitTotal(diff);
  const cause = net < 0n ? PostingCause.BonusClawback : PostingCause.Bonus;
  const n = row.adjustments;
  return {
    idempotencyKey: n === 0 ? `bonus:${row.attribution_id}` : `bonus:${row.attribution_id}:${n}`,
    cause,
    causeRef: row.attribution_id,
    description:
      cause === PostingCause.Bonus
        ? `One-off bonus for the supplier's first payment (invoice ${row.invoice_id})`
        : why === 'refunded'
          ? `One-off bonus taken back: the first payment (invoice ${row.invoice_id}) was refunded in full`
          : `One-off bonus taken back: the first payment (invoice ${row.invoice_id}) came after the subscription ended`,
    lines: commissionLines(row.referrer_id!, row.currency!, diff),
    occurredAt: cause === PostingCause.Bonus && n === 0 && row.paid_at ? new Date(row.paid_at) : undefined,
    metadata: { invoiceId: row.invoice_id, bonusId: row.id, attributionId: row.attribution_id, target: stringify(target), ...(cause === PostingCause.BonusClawback ? { why } : {}) },
    // A bonus taken back after its hold ended (or after it was paid out) may leave the referrer owing.
    clawback: cause === PostingCause.BonusClawback,
  };
}

/** The posting for a bonus whose hold ended: pending → available (the same hold release as commissions). */
export function bonusReleasePosting(r: { id: string; invoice_id: string; referrer_id: string; currency: string; pending: bigint }): PostingRequest {
  return {
    ...releasePosting(r),
    idempotencyKey: `release:bonus:${r.id}`,
    description: `Hold ended: the one-off bonus for the first payment (invoice ${r.invoice_id}) is available`,
    metadata: { invoiceId: r.invoice_id, bonusId: r.id },
  };
}

/** The posting for a hold that ended: pending → available. */
export function releasePosting(r: { id: string; invoice_id: string; referrer_id: string; currency: string; pending: bigint }): PostingRequest {
  return {
    idempotencyKey: `release:${r.id}`,
    cause: PostingCause.HoldRelease,
    causeRef: r.invoice_id,
    description: `Hold ended: commission on invoice ${r.invoice_id} is available`,
    lines: [
      { account: { kind: AccountKind.ReferrerPending, ownerId: r.referrer_id, currency: r.currency }, amount: -r.pending },
      { account: { kind: AccountKind.ReferrerAvailable, ownerId: r.referrer_id, currency: r.currency }, amount: r.pending },
    ],
  };
}

function describeChange(cause: PostingCause, invoiceId: string, diff: CommissionSplit, reason?: string): string {
  const net = splitTotal(diff);
  switch (cause) {
    case PostingCause.Invoice:
      return `Commission on paid invoice ${invoiceId}`;
    case PostingCause.Refund:
      return net <= 0n ? `Refund on invoice ${invoiceId}: commission reduced by ${-net}` : `Refund failed on invoice ${invoiceId}: commission restored by ${net}`;
    case PostingCause.CommissionCorrection:
      return `Commission on invoice ${invoiceId} ${net < 0n ? `reduced by ${-net}` : `raised by ${net}`}: ${reason ?? 're-judged'}`;
    default:
      if (net < 0n) return `Dispute lost on invoice ${invoiceId}: commission reversed by ${-net}`;
      if (diff.disputed > 0n) return `Dispute opened on invoice ${invoiceId}: commission held`;
      return `Dispute closed on invoice ${invoiceId}: commission released back`;
  }
}

function stringify(s: CommissionSplit): Record<string, string> {
  return { pending: s.pending.toString(), available: s.available.toString(), disputed: s.disputed.toString() };
}
