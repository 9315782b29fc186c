import { applyBasisPoints } from '../../money/money';

/** The operator's referral fee on won deals; `none` is the default. */
export type FeeRule = { kind: 'none' } | { kind: 'percent'; bp: number } | { kind: 'fixed'; amount: bigint };

/** Who funds the fee: the operator (platform expense) or the member that received and won the lead. */
export const FEE_PAYERS = ['operator', 'receiving_member'] as const;
export type FeePayer = (typeof FEE_PAYERS)[number];

/** Fee credited to the submitter of a lead won for `wonValue` (minor units); 0 = no fee. */
export function feeFor(rule: FeeRule, wonValue: bigint): bigint {
  switch (rule.kind) {
    case 'none':
      return 0n;
    case 'percent':
      return applyBasisPoints(wonValue, rule.bp);
    case 'fixed':
      return rule.amount;
  }
}

/**
 * The ledger lines of a fee: the submitter is credited; the operator's expense account or the
 * receiving member's available balance (which may go below zero, carried against its own fees) is
 * debited. A lead the submitter also won itself has no one else to charge: the operator pays.
 */
export function feePostingSides(payer: FeePayer, submitterId: string, receiverId: string | null): { debitMemberId: string | null; creditMemberId: string } {
  const debitMemberId = payer === 'receiving_member' && receiverId && receiverId !== submitterId ? receiverId : null;
  return { debitMemberId, creditMemberId: submitterId };
}
