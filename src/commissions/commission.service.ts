import { Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { BillingService } from '../billing/billing.service';
import { JobsService } from '../jobs/jobs.service';
import { StripeEventHandlers } from '../stripe-webhooks/stripe-event-handlers';
import { PaymentLinks } from './payment-links';
import { RecordDispute } from './record-dispute';
import { RecordPayment } from './record-payment';
import { RecordRefund } from './record-refund';
import { RecordSubscriptionEnd } from './record-subscription-end';
import { ReleaseHolds } from './release-holds';

export const RELEASE_JOB = 'commissions.release-holds';

export const REFUND_EVENTS = ['charge.refunded', 'refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'];
export const DISPUTE_EVENTS = ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'];

/**
 * Commission on suppliers' payments: wires the Stripe events and the hold release job to the use
 * cases (record-payment, record-refund, record-dispute, record-subscription-end, release-holds),
 * which all decide through commission-rules.ts and post through CommissionSettler.
 */
@Injectable()
export class CommissionService implements OnModuleInit {
  constructor(
    private readonly handlers: StripeEventHandlers,
    private readonly jobs: JobsService,
    private readonly billing: BillingService,
    private readonly links: PaymentLinks,
    private readonly payments: RecordPayment,
    private readonly refunds: RecordRefund,
    private readonly disputes: RecordDispute,
    private readonly ends: RecordSubscriptionEnd,
    private readonly holds: ReleaseHolds,
  ) {}

  onModuleInit(): void {
    // One code path: a single invoice.paid is a run of one.
    this.handlers.register('invoice.paid', (e, m, p) => this.payments.record([e], m, p));
    this.handlers.registerGroup('invoice.paid', (events, m, p) => this.payments.record(events, m, p));
    // The same fact as invoice.paid for card payments: recorded, never a second trigger.
    this.handlers.register('invoice.payment_succeeded', (e, m) => this.billing.recordInvoice(m, e.data.object as Stripe.Invoice, e.created));
    const learn = (events: Stripe.Event[]) => this.links.learn(events);
    for (const type of REFUND_EVENTS) {
      this.handlers.register(type, (e, m, p) => this.refunds.record(e, m, p));
      this.handlers.registerPrepare(type, learn);
    }
    for (const type of DISPUTE_EVENTS) {
      this.handlers.register(type, (e, m, p) => this.disputes.record(e, m, p));
      this.handlers.registerPrepare(type, learn);
    }
    this.handlers.register('customer.subscription.deleted', (e, m, p) => this.ends.record(e, m, p));
    this.jobs.register({ name: RELEASE_JOB, cron: '* * * * *', policy: 'singleton', retryLimit: 2, handler: async () => void (await this.releaseDue()) });
  }

  /** Moves commissions whose hold ended from pending to available (the job runs it every minute). */
  releaseDue(now = new Date(), batch = 500): Promise<number> {
    return this.holds.releaseDue(now, batch);
  }
}
