import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KnownRefund } from './commission-rules';

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

  /** Records a refund; the stored status merges as mergeRefundStatus says (final failures stay, succeeded beats pending). */
  async upsertRefund(m: EntityManager, invoiceId: string, r: { id: string; chargeId: string | null; amount: bigint; status: string }): Promise<void> {
    await m.query(
      `INSERT INTO commission_refunds (refund_id, invoice_id, charge_id, amount, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (refund_id) DO UPDATE SET charge_id = COALESCE(commission_refunds.charge_id, EXCLUDED.charge_id), status = CASE
           WHEN commission_refunds.status IN ('failed','canceled') THEN commission_refunds.status
           WHEN EXCLUDED.status IN ('failed','canceled') THEN EXCLUDED.status
           WHEN commission_refunds.status = 'succeeded' THEN commission_refunds.status
           ELSE EXCLUDED.status END`,
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

  /** Records a dispute; a closed one (won/lost) stays closed when a late update arrives. */
  async upsertDispute(m: EntityManager, invoiceId: string, d: { id: string; amount: bigint; state: string }): Promise<void> {
    await m.query(
      `INSERT INTO commission_disputes (dispute_id, invoice_id, amount, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dispute_id) DO UPDATE SET amount = EXCLUDED.amount,
         status = CASE WHEN commission_disputes.status IN ('won','lost') THEN commission_disputes.status ELSE EXCLUDED.status END`,
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
