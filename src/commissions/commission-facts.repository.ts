import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DisputeState, KnownRefund } from './commission-rules';

/** Refunds and disputes recorded for one invoice. */
export interface RecordedFacts {
  refunds: KnownRefund[];
  charges: { chargeId: string; amountRefunded: bigint }[];
  disputedOpen: bigint;
  disputedLost: bigint;
}

export const NO_FACTS: RecordedFacts = { refunds: [], charges: [], disputedOpen: 0n, disputedLost: 0n };

/** The SQL of what Stripe reported about an invoice's payment: refunds, charges' refunded totals, disputes, payment intents. */
@Injectable()
export class CommissionFactsRepository {
  /** The refunds and disputes recorded per invoice (invoices without any are absent). */
  async facts(m: EntityManager, invoiceIds: string[]): Promise<Map<string, RecordedFacts>> {
    const out = new Map<string, RecordedFacts>();
    const of = (id: string) => {
      let f = out.get(id);
      if (!f) out.set(id, (f = { refunds: [], charges: [], disputedOpen: 0n, disputedLost: 0n }));
      return f;
    };
    const refunds: { invoice_id: string; charge_id: string | null; amount: bigint; status: string }[] = await m.query(
      `SELECT invoice_id, charge_id, amount, status FROM commission_refunds WHERE invoice_id = ANY($1::text[])`,
      [invoiceIds],
    );
    for (const r of refunds) of(r.invoice_id).refunds.push({ chargeId: r.charge_id, amount: r.amount, status: r.status });
    const charges: { invoice_id: string; charge_id: string; amount_refunded: bigint }[] = await m.query(
      `SELECT invoice_id, charge_id, amount_refunded FROM commission_charge_refunds WHERE invoice_id = ANY($1::text[])`,
      [invoiceIds],
    );
    for (const c of charges) of(c.invoice_id).charges.push({ chargeId: c.charge_id, amountRefunded: c.amount_refunded });
    const disputes: { invoice_id: string; amount: bigint; status: string }[] = await m.query(
      `SELECT invoice_id, amount, status FROM commission_disputes WHERE invoice_id = ANY($1::text[])`,
      [invoiceIds],
    );
    for (const d of disputes) {
      if (d.status === 'open') of(d.invoice_id).disputedOpen += d.amount;
      if (d.status === 'lost') of(d.invoice_id).disputedLost += d.amount;
    }
    return out;
  }

  /** A refund's stored status (null: not recorded yet). Call under the invoice's commission row lock. */
  async refundStatus(m: EntityManager, refundId: string): Promise<string | null> {
    const [row]: { status: string }[] = await m.query(`SELECT status FROM commission_refunds WHERE refund_id = $1`, [refundId]);
    return row?.status ?? null;
  }

  /** Stores a refund with the status the rules settled on (mergeRefundStatus). */
  async saveRefund(m: EntityManager, invoiceId: string, r: { id: string; chargeId: string | null; amount: bigint; status: string }): Promise<void> {
    await m.query(
      `INSERT INTO commission_refunds (refund_id, invoice_id, charge_id, amount, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (refund_id) DO UPDATE SET charge_id = COALESCE(commission_refunds.charge_id, EXCLUDED.charge_id), status = EXCLUDED.status`,
      [r.id, invoiceId, r.chargeId, r.amount, r.status],
    );
  }

  /** The largest amount_refunded a charge.refunded reported (it only counts for refunds not known one by one). */
  async upsertChargeRefunded(m: EntityManager, invoiceId: string, chargeId: string, amountRefunded: bigint): Promise<void> {
    await m.query(
      `INSERT INTO commission_charge_refunds (charge_id, invoice_id, amount_refunded) VALUES ($1, $2, $3)
       ON CONFLICT (charge_id) DO UPDATE SET amount_refunded = GREATEST(commission_charge_refunds.amount_refunded, EXCLUDED.amount_refunded)`,
      [chargeId, invoiceId, amountRefunded],
    );
  }

  /** A dispute's stored state (null: not recorded yet). Call under the invoice's commission row lock. */
  async disputeState(m: EntityManager, disputeId: string): Promise<DisputeState | null> {
    const [row]: { status: DisputeState }[] = await m.query(`SELECT status FROM commission_disputes WHERE dispute_id = $1`, [disputeId]);
    return row?.status ?? null;
  }

  /** Stores a dispute with the state the rules settled on (mergeDisputeState). */
  async saveDispute(m: EntityManager, invoiceId: string, d: { id: string; amount: bigint; state: DisputeState }): Promise<void> {
    await m.query(
      `INSERT INTO commission_disputes (dispute_id, invoice_id, amount, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dispute_id) DO UPDATE SET amount = EXCLUDED.amount, status = EXCLUDED.status`,
      [d.id, invoiceId, d.amount, d.state],
    );
  }

  async invoiceOfPaymentIntent(m: EntityManager, paymentIntentId: string): Promise<string | null> {
    const [row]: { invoice_id: string }[] = await m.query(`SELECT invoice_id FROM commission_payment_intents WHERE payment_intent_id = $1`, [paymentIntentId]);
    return row?.invoice_id ?? null;
  }

  async rememberPaymentIntent(m: EntityManager, paymentIntentId: string, invoiceId: string): Promise<void> {
    await m.query(`INSERT INTO commission_payment_intents (payment_intent_id, invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [paymentIntentId, invoiceId]);
  }

}
