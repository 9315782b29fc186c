import { applyBasisPoints } from '../../money/money';

/** The operator's referral fee on won deals; `none` is the default. */
export type FeeRule = { kind: 'none' } | { kind: 'percent'; bp: number } | { kind: 'fixed'; amount: bigint };

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
