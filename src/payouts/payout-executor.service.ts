import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { StripeClient, StripeErrorCode, StripeException } from '../stripe/stripe.client';
import { BatchStatus, PayoutBatch } from './payout-batch.entity';
import { PayoutMailer } from './payout-mailer';
import { Role } from '../access/role';
import { NotificationService } from '../mail/notifications.service';
import { PayoutExecutionView } from './payouts.dto';
import { PayoutErrorCode, PayoutException } from './payouts.exception';
import { PayoutsService } from './payouts.service';

/** Transfers requested at once by one execution. */
const EXECUTION_CONCURRENCY = 4;

interface ConnectItem {
  id: string;
  referrer_id: string;
  amount: bigint;
  currency: string;
  method: string;
  stripe_account_id: string;
  status: 'pending' | 'sending';
}

/**
 * Executes an approved batch: one Stripe transfer per Connect item, never two.
 *
 * - Only one execution per batch runs at a time, across instances: a session advisory lock held on
 *   a dedicated connection for the whole run (released by PostgreSQL if the process dies).
 * - Before a transfer is requested the item is committed as `sending`. Each transfer carries the
 *   idempotency key payout-item:<id>, transfer_group = batch id and the item id in metadata.
 * - A re-run after a crash first lists the group's transfers and settles `sending` items whose
 *   transfer exists (Stripe forgets idempotency keys after 24 h, so the key alone is not enough).
 * - A refused transfer fails the item and returns its money to available; an unknown outcome
 *   (network, 5xx) leaves it `sending` for the next run to resolve.
 */
@Injectable()
export class PayoutExecutor {
  private readonly logger = new Logger('PayoutExecutor');

  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly payouts: PayoutsService,
    private readonly audit: FinanceAuditService,
    private readonly mailer: PayoutMailer,
    private readonly notifications: NotificationService,
  ) {}

  async execute(batchId: string, actor: AuthUser): Promise<PayoutExecutionView> {
    const lockHolder = this.db.createQueryRunner();
    // If the lock's connection dies the lock is gone: stop starting transfers (what is in flight
    // finishes; the next run resumes the rest).
    const lock = { lost: false };
    const connection = (await lockHolder.connect()) as { on(event: string, cb: () => void): void; removeListener(event: string, cb: () => void): void };
    const lost = () => (lock.lost = true);
    connection.on('error', lost);
    connection.on('end', lost);
    try {
      const [{ locked }] = await lockHolder.query(`SELECT pg_try_advisory_lock(hashtext('payout-execute'), hashtext($1)) AS locked`, [batchId]);
      if (!locked) throw new PayoutException(PayoutErrorCode.BATCH_EXECUTION_IN_PROGRESS, 'This batch is being executed right now; wait for that run to finish');
      try {
        return await this.run(batchId, actor, lock);
      } finally {
        await lockHolder.query(`SELECT pg_advisory_unlock(hashtext('payout-execute'), hashtext($1))`, [batchId]).catch(() => undefined);
      }
    } finally {
      // The connection goes back to the pool: leave no listener on it.
      connection.removeListener('error', lost);
      connection.removeListener('end', lost);
      await lockHolder.release().catch(() => undefined);
    }
  }

  private async run(batchId: string, actor: AuthUser, lock: { lost: boolean }): Promise<PayoutExecutionView> {
    const resuming = await this.db.transaction(async (m) => {
      const batch = await this.payouts.lockBatch(m, batchId);
      if (batch.status === BatchStatus.Created) throw new PayoutException(PayoutErrorCode.BATCH_NOT_APPROVED, 'A second finance user must approve the batch before it is executed');
      if (batch.status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'This batch was cancelled; it cannot be executed');
      if (batch.status === BatchStatus.Completed) throw new PayoutException(PayoutErrorCode.BATCH_ALREADY_EXECUTED, 'This batch has already been executed in full');
      if (batch.status === BatchStatus.Approved) await m.update(PayoutBatch, { id: batchId }, { status: BatchStatus.Executing, executedBy: actor.id, executedAt: new Date() });
      await this.audit.record(m, actor, {
        action: FinanceAction.Execute,
        subjectType: 'payout_batch',
        subjectId: batchId,
        before: { status: batch.status },
        after: { status: BatchStatus.Executing },
        details: { resuming: batch.status === BatchStatus.Executing },
      });
      return batch.status === BatchStatus.Executing;
    });

    const items: ConnectItem[] = await this.db.query(
      `SELECT id, referrer_id, amount, currency, method, stripe_account_id, status FROM payout_items
       WHERE batch_id = $1 AND method = 'stripe_connect' AND status IN ('pending', 'sending') ORDER BY id`,
      [batchId],
    );
    // Items left `sending` by an earlier run may have a transfer already: look them all up first.
    const found = items.some((i) => i.status === 'sending') ? await this.transfersOfGroup(batchId) : new Map<string, Stripe.Transfer>();
    const tally = { transferred: 0, failed: 0, unresolved: 0, settledEarlier: 0 };
    // A few transfers in flight at once; each item is independent (own key, own transaction).
    let next = 0;
    const worker = async () => {
      while (next < items.length && !lock.lost) {
        const item = items[next++];
        tally[await this.payItem(batchId, item, found.get(item.id), actor)]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(EXECUTION_CONCURRENCY, items.length) }, worker));
    if (lock.lost) this.logger.warn({ batchId, left: items.length - next }, 'execution lock lost (database connection died); execute again to resume');
    const failed = tally.failed;
    const unresolved = tally.unresolved + (items.length - next);
    const transferred = tally.transferred + tally.settledEarlier;
    await this.db.transaction(async (m) => {
      await this.payouts.completeIfDone(m, batchId);
      if (failed > 0) await this.notifications.notify(m, 'finance.execution_failed', { role: Role.Finance }, { batchId, failed });
    });
    if (failed > 0) this.notifications.deliverSoon();
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM payout_items WHERE batch_id = $1 AND method = 'bank' AND status = 'pending'`, [batchId]);
    if (resuming) this.logger.log({ batchId, transferred, failed, unresolved }, 'resumed batch execution');
    return { batch: await this.payouts.batchView(batchId), transferred, failed, unresolved, bankPending: Number(n) };
  }

  /** Pays one Connect item; never throws (an unexpected failure leaves the item for the next run). */
  private async payItem(batchId: string, item: ConnectItem, earlier: Stripe.Transfer | undefined, actor: AuthUser): Promise<'transferred' | 'failed' | 'unresolved' | 'settledEarlier'> {
    try {
      if (earlier) return (await this.settlePaid(item, earlier.id)) ? 'settledEarlier' : 'unresolved';
      if (item.status === 'pending') await this.db.query(`UPDATE payout_items SET status = 'sending', updated_at = now() WHERE id = $1 AND status = 'pending'`, [item.id]);
      let transfer: Stripe.Transfer;
      try {
        transfer = await this.stripe.api.transfers.create(
          {
            amount: Number(item.amount),
            currency: item.currency.trim().toLowerCase(),
            destination: item.stripe_account_id,
            transfer_group: batchId,
            description: `Handshake referral payout ${item.id}`,
            metadata: { payout_item_id: item.id, payout_batch_id: batchId, referrer_id: item.referrer_id },
          },
          { idempotencyKey: `payout-item:${item.id}` },
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        const reason = `Stripe refused the transfer: ${(err as Stripe.errors.StripeError).message}`;
        await this.db.transaction((m) => this.payouts.settle(m, item.id, { paid: false, reason }, actor.id));
        return 'failed';
      }
      await this.settlePaid(item, transfer.id);
      return 'transferred';
    } catch (err) {
      // Unknown outcome (Stripe unreachable, or our database failed after Stripe accepted): the
      // transfer may exist. The item stays `sending`; the next run finds it by its transfer group.
      this.logger.warn({ err: (err as Error).message, itemId: item.id }, 'transfer outcome unknown; execute again to resume');
      return 'unresolved';
    }
  }

  private async settlePaid(item: ConnectItem, transferId: string): Promise<boolean> {
    const settled = await this.db.transaction((m) => this.payouts.settle(m, item.id, { paid: true, transferId }, null));
    if (settled) await this.mailer.payoutSent(settled);
    return settled !== null;
  }

  /** Every transfer Stripe holds for this batch, by our item id. */
  private async transfersOfGroup(batchId: string): Promise<Map<string, Stripe.Transfer>> {
    const out = new Map<string, Stripe.Transfer>();
    try {
      for await (const t of this.stripe.api.transfers.list({ transfer_group: batchId, limit: 100 })) {
        const itemId = t.metadata?.payout_item_id;
        if (itemId) out.set(itemId, t);
      }
    } catch (err) {
      // Without the list we cannot tell which items were paid: stop; nothing was sent in this run.
      if (err instanceof Stripe.errors.StripeError) throw new StripeException(StripeErrorCode.STRIPE_UNAVAILABLE, `Could not list the batch's transfers at Stripe: ${err.message}; try again`);
      throw err;
    }
    return out;
  }
}

/** Stripe definitely did not make the transfer (a 4xx about the request or the account). */
function isRefusal(err: unknown): boolean {
  if (!(err instanceof Stripe.errors.StripeError)) return false;
  const status = err.statusCode ?? 0;
  if (status < 400 || status >= 500 || status === 429 || status === 409) return false;
  return err.type !== 'StripeIdempotencyError' && err.type !== 'StripeAuthenticationError' && err.type !== 'StripeRateLimitError';
}
