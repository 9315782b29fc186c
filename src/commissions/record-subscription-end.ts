import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';
import { BillingService } from '../billing/billing.service';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { MalformedStripeEvent } from '../stripe-webhooks/stripe-webhook.exception';
import { CommissionRepository } from './commission.repository';
import { CommissionSettler, judge } from './commission-settler';

/**
 * Use case "the subscription ended" (customer.subscription.deleted): the attribution's stop date is
 * the earliest end learnt, and every paid invoice of it is re-judged, so an invoice paid after the
 * end that was processed before the end became known gives its commission back.
 */
@Injectable()
export class RecordSubscriptionEnd {
  constructor(
    private readonly billing: BillingService,
    private readonly commissions: CommissionRepository,
    private readonly settler: CommissionSettler,
  ) {}

  async record(event: Stripe.Event, m: EntityManager, postings: PostingRequest[]): Promise<void> {
    const sub = event.data.object as Stripe.Subscription;
    if (!sub?.id) throw new MalformedStripeEvent('customer.subscription.deleted lacks the subscription id');
    const supplierId = await this.billing.recordSubscription(m, sub, event.created);
    if (!supplierId) return;
    const endedAt = new Date((sub.ended_at ?? sub.canceled_at ?? event.created) * 1000);
    const attribution = await this.commissions.stopAttribution(m, supplierId, endedAt);
    if (!attribution) return;
    const rows = await this.commissions.lockPaidOfAttributions(m, [attribution.id]);
    const reason = `the subscription ended ${attribution.stopped_at!.toISOString().slice(0, 10)}`;
    for (const row of rows) judge(row, attribution);
    await this.settler.settle(
      m,
      rows.map((row) => ({ row, trigger: { cause: PostingCause.CommissionCorrection, ref: row.invoice_id, reason } })),
      postings,
    );
  }
}
