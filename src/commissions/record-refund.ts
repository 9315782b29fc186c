import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { stripeId } from '../billing/stripe-shapes';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { MalformedStripeEvent } from '../stripe-webhooks/stripe-webhook.exception';
import { mergeRefundStatus } from './commission-rules';
import { CommissionFactsRepository } from './commission-facts.repository';
import { CommissionRepository } from './commission.repository';
import { CommissionSettler } from './commission-settler';
import { PaymentLinks, paymentIntentOf } from './payment-links';

/**
 * Use case "record a refund": refund.created / refund.updated / refund.failed / charge.refund.updated
 * carry one refund; charge.refunded carries the charge's cumulative amount_refunded (and its refunds
 * list when Stripe includes it). Each refund's state is kept (a final failure stays final), then the
 * commission is recomputed from the refunds that stand (see refundedAmount) and the difference
 * posted: a clawback, or a restoration when a refund failed.
 */
@Injectable()
export class RecordRefund {
  constructor(
    private readonly links: PaymentLinks,
    private readonly commissions: CommissionRepository,
    private readonly facts: CommissionFactsRepository,
    private readonly settler: CommissionSettler,
  ) {}

  async record(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const isCharge = event.type === 'charge.refunded';
    const obj = event.data.object as Stripe.Charge | Stripe.Refund;
    if (isCharge) {
      const charge = obj as Stripe.Charge;
      if (!charge?.id || typeof charge.amount_refunded !== 'number') throw new MalformedStripeEvent('charge.refunded lacks id or amount_refunded');
    } else {
      const refund = obj as Stripe.Refund;
      if (!refund?.id || typeof refund.amount !== 'number' || !refund.status) throw new MalformedStripeEvent(`${event.type} lacks id, amount or status`);
    }
    const invoiceId = await this.links.invoiceOf(m, paymentIntentOf(event));
    if (!invoiceId) return; // not an invoice payment: no commission depends on it
    const rows = await this.commissions.lockCommissions(m, [invoiceId]);
    const row = rows.get(invoiceId)!;
    if (isCharge) {
      const charge = obj as Stripe.Charge;
      await this.facts.upsertChargeRefunded(m, invoiceId, charge.id, BigInt(charge.amount_refunded));
      for (const r of charge.refunds?.data ?? []) {
        if (r?.id && typeof r.amount === 'number' && r.status) await this.keep(m, invoiceId, { id: r.id, chargeId: charge.id, amount: BigInt(r.amount), status: r.status });
      }
    } else {
      const refund = obj as Stripe.Refund;
      await this.keep(m, invoiceId, { id: refund.id, chargeId: stripeId(refund.charge), amount: BigInt(refund.amount), status: refund.status! });
    }
    await this.settler.settle(m, [{ row, trigger: { cause: PostingCause.Refund, ref: obj.id } }], postings);
  }

  /** Keeps the refund's status as the rules merge it (under the commission row's lock, so no race). */
  private async keep(m: EntityManager, invoiceId: string, r: { id: string; chargeId: string | null; amount: bigint; status: string }): Promise<void> {
    const stored = await this.facts.refundStatus(m, r.id);
    await this.facts.saveRefund(m, invoiceId, { ...r, status: stored === null ? r.status : mergeRefundStatus(stored, r.status) });
  }
}
