/**
 * Why a referrer's available money is or is not paid out, in one place (the cabinet and the
 * earnings page both tell it): no usable payout details, below the payout minimum (with the
 * progress to it), or ready for the next payout run.
 */
export interface PayoutReadiness {
  currency: string;
  available: string;
  minimum: string;
  /** Money can be paid but the referrer has no usable payout details. */
  needsDetails: boolean;
  /** Available is positive and below the minimum. */
  belowMinimum: boolean;
  /** What is missing to the minimum, minor units. */
  missing: string;
  /** Progress to the minimum in basis points (0..10000). */
  progressBp: number;
  /** Available reaches the minimum and details are usable: paid in the next payout run. */
  ready: boolean;
}

export function payoutReadiness(currency: string, available: bigint, minimum: bigint, detailsUsable: boolean): PayoutReadiness {
  const positive = available > 0n;
  const belowMinimum = positive && available < minimum;
  const progressBp = minimum <= 0n ? 10_000 : positive ? Number((available >= minimum ? minimum : available) * 10_000n / minimum) : 0;
  return {
    currency,
    available: available.toString(),
    minimum: minimum.toString(),
    needsDetails: positive && !detailsUsable,
    belowMinimum,
    missing: (belowMinimum ? minimum - available : 0n).toString(),
    progressBp,
    ready: positive && !belowMinimum && detailsUsable,
  };
}
