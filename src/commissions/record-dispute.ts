import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { MalformedStripeEvent } from '../stripe-webhooks/stripe-webhook.exception';
import { disputeState, mergeDisputeState } from './commission-rules';
import { CommissionFactsRepository } from './commission-facts.repository';
import { CommissionRepository } from './commission.repository';
import { CommissionSettler } from './commission-settler';
import { PaymentLinks, paymentIntentOf } from './payment-links';

/**
 * Use case "record a dispute" (charge.dispute.created / updated / closed): an open dispute holds its
 * share of the commission apart, won releases it back, lost reverses it; a closed dispute stays closed.
 */
@Injectable()
export class RecordDispute {
  constructor(
    private readonly links: PaymentLinks,
    private readonly commissions: CommissionRepository,
    private readonly facts: CommissionFactsRepository,
    private readonly settler: CommissionSettler,
  ) {}

  async record(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const dispute = event.data.object as Stripe.Dispute;
    if (!dispute?.id || typeof dispute.amount !== 'number' || !dispute.status) throw new MalformedStripeEvent(`${event.type} lacks id, amount or status`);
    const invoiceId = await this.links.invoiceOf(m, paymentIntentOf(event));
    if (!invoiceId) return;
    const row = (await this.commissions.lockCommissions(m, [invoiceId])).get(invoiceId)!;
    const reported = disputeState(dispute.status);
    const stored = await this.facts.disputeState(m, dispute.id);
    await this.facts.saveDispute(m, invoiceId, { id: dispute.id, amount: BigInt(dispute.amount), state: stored === null ? reported : mergeDisputeState(stored, reported) });
    await this.settler.settle(m, [{ row, trigger: { cause: PostingCause.Dispute, ref: dispute.id } }], postings);
  }
}
