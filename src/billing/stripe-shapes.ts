import Stripe from 'stripe';

/**
 * Reading Stripe objects of the pinned API version (2026-10-28.endive). Expandable fields may be
 * an id or an object; amounts are integers in minor units; currencies are lower-case.
 */
export function stripeId(v: string | { id: string } | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : v.id;
}

/** Stripe coupon parameters for a locked discount: percent off, lasting the commission months. */
export function couponTerms(discountBp: number, commissionMonths: number | null): Stripe.CouponCreateParams | null {
  if (discountBp <= 0) return null;
  // percent_off accepts two decimals: basis points / 100 is exact in them.
  const percent = discountBp / 100;
  return commissionMonths === null ? { percent_off: percent, duration: 'forever' } : { percent_off: percent, duration: 'repeating', duration_in_months: commissionMonths };
}

export interface InvoiceRecord {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  total: bigint;
  totalExcludingTax: bigint | null;
  amountPaid: bigint;
  hostedInvoiceUrl: string | null;
  createdAt: Date;
  paidAt: Date | null;
}

export function invoiceRecord(inv: Stripe.Invoice): InvoiceRecord {
  const paidAt = inv.status_transitions?.paid_at;
  return {
    id: inv.id!,
    number: inv.number ?? null,
    status: inv.status ?? 'draft',
    currency: String(inv.currency).toUpperCase(),
    total: BigInt(inv.total ?? 0),
    totalExcludingTax: inv.total_excluding_tax === null || inv.total_excluding_tax === undefined ? null : BigInt(inv.total_excluding_tax),
    amountPaid: BigInt(inv.amount_paid ?? 0),
    hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
    createdAt: new Date((inv.created ?? 0) * 1000),
    paidAt: paidAt ? new Date(paidAt * 1000) : null,
  };
}
