/** The budget split as pure math: commission c = B − d, with d kept inside the program's bounds. */
export interface SplitBounds {
  budgetBp: number;
  discountMinBp: number;
  discountMaxBp: number;
}

export interface EffectiveSplit {
  discountBp: number;
  commissionBp: number;
  budgetBp: number;
}

export function isWithinBounds(discountBp: number, b: SplitBounds): boolean {
  return Number.isInteger(discountBp) && discountBp >= b.discountMinBp && discountBp <= b.discountMaxBp;
}

/**
 * The split in force now for a referrer who chose `chosenDiscountBp` (possibly under older bounds):
 * the choice clamped into today's bounds, the rest of today's budget as commission.
 */
export function effectiveSplit(chosenDiscountBp: number, b: SplitBounds): EffectiveSplit {
  const discountBp = Math.min(Math.max(chosenDiscountBp, b.discountMinBp), b.discountMaxBp);
  return { discountBp, commissionBp: b.budgetBp - discountBp, budgetBp: b.budgetBp };
}

/** A new referrer starts at the lowest discount the program allows (the largest commission). */
export function defaultDiscount(b: SplitBounds): number {
  return b.discountMinBp;
}
