import Stripe from 'stripe';
import { stripeId } from '../billing/stripe-shapes';

/** What a paid Stripe invoice says about the payment a commission is computed on. */
export interface InvoicePayment {
  invoiceId: string;
  customer: string;
  currency: string;
  amountPaid: bigint;
  total: bigint;
  /** total_excluding_tax, or total less its taxes when Stripe leaves it out. */
  totalExcludingTax: bigint;
  paidAt: Date;
  /** The supplier named in the subscription's metadata, when any. */
  supplierHint: string | null;
}

/** Reads a paid invoice (pinned API version); null when it lacks what a commission needs. */
export function invoicePayment(inv: Stripe.Invoice | null | undefined): InvoicePayment | null {
  const customer = stripeId(inv?.customer);
  const paidAtSec = inv?.status_transitions?.paid_at;
  if (!inv?.id || !customer || typeof inv.amount_paid !== 'number' || typeof inv.total !== 'number' || !inv.currency || typeof paidAtSec !== 'number') return null;
  const taxes = (inv.total_taxes ?? []).reduce((s, t) => s + (t.amount ?? 0), 0);
  return {
    invoiceId: inv.id,
    customer,
    currency: inv.currency.toUpperCase(),
    amountPaid: BigInt(inv.amount_paid),
    total: BigInt(inv.total),
    totalExcludingTax: BigInt(inv.total_excluding_tax ?? inv.total - taxes),
    paidAt: new Date(paidAtSec * 1000),
    supplierHint: inv.parent?.subscription_details?.metadata?.supplier_id ?? null,
  };
}
