import { EntityManager } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind, PostingCause, PostingRequest } from '../ledger/ledger.types';

export interface ItemMove {
  batchId: string;
  currency: string;
  /** Which items of the batch move (all pending ones at creation, the cancelled ones on cancel). */
  itemStatus: string;
  /** available → in transit (reserve, at creation) or back (release, on cancel). */
  direction: 'reserve' | 'release';
  description: string;
}

/**
 * One ledger posting per payout item of a batch, written by LedgerService.postMany in chunks (the
 * ledger's own validation, request hashes, locking and overdraft rule; a batch of 100,000 items is a
 * handful of statements). Keys: `payout-batch:<batch>:<referrer>` when reserving (one item per
 * referrer and batch), `payout-cancel:<item>` when releasing; cause payout, causeRef the item id.
 * Runs inside the caller's transaction, last (postMany holds the account locks until commit).
 */
/** Items posted per postMany call: bounds the app's memory for 100,000-item batches (≈ 10 calls). */
const CHUNK = 10_000;

export async function postItemMoves(ledger: LedgerService, m: EntityManager, move: ItemMove): Promise<void> {
  if (!m.queryRunner?.isTransactionActive) throw new Error('postItemMoves must run inside a transaction');
  const reserve = move.direction === 'reserve';
  for (let offset = 0; ; offset += CHUNK) {
    const items: { id: string; referrer_id: string; amount: bigint }[] = await m.query(
      `SELECT id, referrer_id, amount FROM payout_items WHERE batch_id = $1 AND status = $2 ORDER BY id LIMIT $3 OFFSET $4`,
      [move.batchId, move.itemStatus, CHUNK, offset],
    );
    if (items.length === 0) return;
    const requests = items.map(
      (i): PostingRequest => ({
        idempotencyKey: reserve ? `payout-batch:${move.batchId}:${i.referrer_id}` : `payout-cancel:${i.id}`,
        cause: PostingCause.Payout,
        causeRef: i.id,
        description: move.description,
        lines: [
          { account: { kind: AccountKind.ReferrerAvailable, ownerId: i.referrer_id, currency: move.currency }, amount: reserve ? -i.amount : i.amount },
          { account: { kind: AccountKind.PayoutsInTransit, ownerId: i.referrer_id, currency: move.currency }, amount: reserve ? i.amount : -i.amount },
        ],
        metadata: { batchId: move.batchId },
      }),
    );
    await ledger.postMany(m, requests);
    if (items.length < CHUNK) return;
  }
}
