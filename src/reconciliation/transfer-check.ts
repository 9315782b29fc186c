import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { StripeClient } from '../stripe/stripe.client';
import { ReconciliationDifferenceView } from './reconciliation.dto';
import { PayoutItemRow, ReconciliationRepository } from './reconciliation.repository';

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export interface TransferCheckResult {
  transfers: Stripe.Transfer[];
  recorded: PayoutItemRow[];
  differences: ReconciliationDifferenceView[];
}

/** Transfers Stripe made in the period against payout items recorded paid, both ways, and the ledger's paid postings. */
@Injectable()
export class TransferCheck {
  constructor(
    private readonly stripe: StripeClient,
    private readonly repo: ReconciliationRepository,
  ) {}

  async run(from: Date, to: Date): Promise<TransferCheckResult> {
    const differences: ReconciliationDifferenceView[] = [];
    const transfers: Stripe.Transfer[] = [];
    for await (const t of this.stripe.api.transfers.list({ created: { gte: seconds(from), lt: seconds(to) }, limit: 100 })) transfers.push(t);
    const items = await this.repo.payoutItems(
      transfers.map((t) => t.id),
      from,
      to,
    );
    const byTransfer = new Map(items.filter((i) => i.stripe_transfer_id).map((i) => [i.stripe_transfer_id!, i]));
    const perItem = new Map<string, string[]>();
    for (const t of transfers) {
      const itemId = t.metadata?.payout_item_id;
      if (itemId) perItem.set(itemId, [...(perItem.get(itemId) ?? []), t.id]);
      const item = byTransfer.get(t.id);
      if (!item || item.status !== 'paid') {
        differences.push({ kind: 'transfer_without_payout', ref: t.id, stripeAmount: String(t.amount), recordedAmount: null, detail: `No paid payout item records this transfer${itemId ? ` (metadata names item ${itemId})` : ''}`, ...(itemId ? { payoutItemId: itemId } : {}) });
      } else if (BigInt(t.amount) !== item.amount) {
        differences.push({ kind: 'amount_mismatch', ref: t.id, stripeAmount: String(t.amount), recordedAmount: item.amount.toString(), detail: `Payout item ${item.id} recorded a different amount`, payoutItemId: item.id });
      }
    }
    for (const [itemId, ids] of perItem) {
      if (ids.length > 1) differences.push({ kind: 'duplicate_transfer', ref: itemId, stripeAmount: null, recordedAmount: null, detail: `Stripe holds ${ids.length} transfers for one payout item: ${ids.join(', ')}`, payoutItemId: itemId });
    }
    const transferIds = new Set(transfers.map((t) => t.id));
    const recorded = items.filter((i) => i.method === 'stripe_connect' && i.status === 'paid' && i.resolved_at && i.resolved_at >= from && i.resolved_at < to);
    for (const item of recorded) {
      if (item.stripe_transfer_id && transferIds.has(item.stripe_transfer_id)) continue;
      const t = item.stripe_transfer_id ? await this.stripe.api.transfers.retrieve(item.stripe_transfer_id).catch(() => null) : null;
      if (!t) differences.push({ kind: 'payout_without_transfer', ref: item.id, stripeAmount: null, recordedAmount: item.amount.toString(), detail: 'The payout item is recorded paid but Stripe has no such transfer', payoutItemId: item.id });
    }
    for (const i of await this.repo.paidItemsMissingInLedger(from, to)) {
      differences.push({ kind: 'payout_not_in_ledger', ref: i.id, stripeAmount: null, recordedAmount: i.amount.toString(), detail: 'Recorded paid but the ledger has no in-transit → paid posting', payoutItemId: i.id });
    }
    return { transfers, recorded, differences };
  }
}
