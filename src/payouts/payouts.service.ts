import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { DomainEvents } from '../events/domain-events';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerReadRepository } from '../ledger/ledger-read.repository';
import { AccountKind, PostingCause } from '../ledger/ledger.types';
import { PayoutMethod } from '../payout-details/payout-details.entity';
import { EMAIL_CONFIRMED_SQL, USABLE_DETAILS_SQL } from '../payout-details/payout-details.service';
import { APP_CONFIG, AppConfig, payoutsNeedConfirmedEmail } from '../config/config';
import { ProgramService } from '../program/program.service';
import { postItemMoves } from './item-postings';
import { TopRows } from './top-rows';
import { BatchStatus, PayoutBatch } from './payout-batch.entity';
import { ItemStatus, PayoutItem } from './payout-item.entity';
import { PayoutMailer } from './payout-mailer';
import { payoutNotice } from './payout-notice';
import { NotificationService } from '../mail/notifications.service';
import { Role } from '../access/role';
import { PayoutBatchDetailView, PayoutBatchView, CreatePayoutBatchDto, PayoutExcludedRowView, PayoutItemView, PayoutPreviewView } from './payouts.dto';
import { PayoutErrorCode, PayoutException } from './payouts.exception';

/** Items of a new batch, from rows (referrer_id, amount) aliased x joined with their payout details d. */
const INSERT_ITEMS = `INSERT INTO payout_items (batch_id, referrer_id, payee_kind, currency, amount, method, stripe_account_id, bank_encrypted, status)
  SELECT $1, x.referrer_id, d.payee_kind, $2, x.amount, d.method,
         CASE WHEN d.method = 'stripe_connect' THEN d.stripe_account_id END,
         CASE WHEN d.method = 'bank' THEN d.bank_encrypted END, 'pending'`;

export type ExclusionReason = 'below_minimum' | 'negative_balance' | 'no_details' | 'connect_not_ready' | 'email_unconfirmed';
export type Settlement = { paid: true; transferId?: string } | { paid: false; reason: string };

/** Batches and their items: preview, create, approve, cancel, and settling items (paid / failed). */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly ledgerReads: LedgerReadRepository,
    private readonly program: ProgramService,
    private readonly audit: FinanceAuditService,
    private readonly mailer: PayoutMailer,
    private readonly notifications: NotificationService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Payouts wait for a confirmed email address (PAYOUT_EMAIL_VERIFICATION=required). */
  private get emailRequired(): boolean {
    return payoutsNeedConfirmedEmail(this.config);
  }

  async preview(currencyArg: string | undefined, actor: AuthUser, limit = 1000): Promise<PayoutPreviewView> {
    const settings = await this.program.settings();
    const currency = currencyArg ?? settings.currency.trim();
    const minimum = settings.payoutMinimum;
    const balances = await this.ledger.balancesByOwner(AccountKind.ReferrerAvailable, currency);
    const detailRows: { referrer_id: string; method: string; usable: boolean; email_confirmed: boolean }[] = await this.db.query(
      `SELECT d.referrer_id, d.method, ${USABLE_DETAILS_SQL} AS usable, ${EMAIL_CONFIRMED_SQL} AS email_confirmed FROM payout_details d`,
    );
    const details = new Map(detailRows.map((d) => [d.referrer_id, d]));
    // Only the largest `limit` eligible rows are kept (a bounded heap, ties in balance order): a
    // preview over 100,000 referrers holds counts and totals, not every row.
    const eligible = new TopRows<{ referrerId: string; available: bigint; method: string }>(limit, (a, b) => a.available > b.available);
    const excluded: PayoutExcludedRowView[] = [];
    const excludedByReason: Record<string, number> = {};
    let total = 0n;
    let eligibleCount = 0;
    for (const [referrerId, available] of balances) {
      if (available === 0n) continue;
      const d = details.get(referrerId);
      let reason: ExclusionReason | null = null;
      if (available < 0n) reason = 'negative_balance';
      else if (available < minimum) reason = 'below_minimum';
      else if (!d) reason = 'no_details';
      else if (!d.usable) reason = d.method === PayoutMethod.StripeConnect ? 'connect_not_ready' : 'no_details';
      else if (this.emailRequired && !d.email_confirmed) reason = 'email_unconfirmed';
      if (reason) {
        excludedByReason[reason] = (excludedByReason[reason] ?? 0) + 1;
        if (excluded.length < limit) excluded.push({ referrerId, available: available.toString(), reason });
      } else {
        total += available;
        eligibleCount++;
        eligible.offer({ referrerId, available, method: d!.method });
      }
    }
    const view: PayoutPreviewView = {
      currency,
      minimum: minimum.toString(),
      eligibleCount,
      eligibleTotal: total.toString(),
      excludedCount: Object.values(excludedByReason).reduce((a, b) => a + b, 0),
      excludedByReason,
      eligible: eligible.sorted().map((e) => ({ referrerId: e.referrerId, available: e.available.toString(), method: e.method })),
      excluded,
    };
    await this.db.transaction((m) =>
      this.audit.record(m, actor, {
        action: FinanceAction.Preview,
        subjectType: 'currency',
        subjectId: currency,
        details: { minimum: view.minimum, eligibleCount: view.eligibleCount, eligibleTotal: view.eligibleTotal, excludedByReason },
      }),
    );
    return view;
  }

  /**
   * Creates a batch and, in the same transaction, moves each item's amount from available to
   * payouts in transit (key payout-batch:<batch>:<referrer>), so the money cannot be in two batches.
   * Set-based: the available accounts are locked and read in one statement, items inserted in one,
   * postings built from the items and written by the ledger in the database (postItemMoves), so the
   * app holds no per-item rows.
   */
  async create(dto: CreatePayoutBatchDto, actor: AuthUser): Promise<PayoutBatchView> {
    const settings = await this.program.settings();
    const currency = dto.currency ?? settings.currency.trim();
    const minimum = settings.payoutMinimum;
    const batchId = await this.db.transaction(async (m) => {
      // One creation per currency at a time: two creators never select the same balances.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('payout-create'), hashtext($1))`, [currency]);
      const [batch] = await m.query(`INSERT INTO payout_batches (currency, status, item_count, total, created_by) VALUES ($1, 'created', 0, 0, $2) RETURNING id`, [currency, actor.id]);
      if (dto.items) {
        const selected = await this.selectExplicit(m, currency, minimum, dto.items);
        await m.query(`${INSERT_ITEMS} FROM unnest($3::uuid[], $4::bigint[]) AS x(referrer_id, amount) JOIN payout_details d ON d.referrer_id = x.referrer_id`, [
          batch.id,
          currency,
          selected.referrerIds,
          selected.amounts,
        ]);
      } else {
        // Everyone eligible, their whole available balance: selected, locked (the ledger re-reads each
        // balance after the lock, so amounts are exact) and inserted in one statement.
        await this.ledgerReads.withLockedBalances(m, {
          kind: AccountKind.ReferrerAvailable,
          currency,
          minBalance: minimum > 1n ? minimum : 1n,
          owners: `SELECT d.referrer_id FROM payout_details d WHERE ${USABLE_DETAILS_SQL}${this.emailRequired ? ` AND ${EMAIL_CONFIRMED_SQL}` : ''}`,
          statement: `${INSERT_ITEMS} FROM (SELECT b.owner_id AS referrer_id, b.balance AS amount FROM balances b) x JOIN payout_details d ON d.referrer_id = x.referrer_id`,
          params: [batch.id, currency],
        });
      }
      const [totals] = await m.query(
        `UPDATE payout_batches b SET item_count = s.n, total = s.total
         FROM (SELECT count(*)::int AS n, coalesce(sum(amount), 0) AS total FROM payout_items WHERE batch_id = $1) s WHERE b.id = $1 RETURNING b.item_count, b.total`,
        [batch.id],
      );
      const { item_count: itemCount, total } = totals[0] as { item_count: number; total: bigint };
      if (itemCount === 0) throw new PayoutException(PayoutErrorCode.NOTHING_TO_PAY, `Nobody in ${currency} has an available balance of at least ${minimum} and usable payout details`);
      await postItemMoves(this.ledger, m, {
        batchId: batch.id,
        currency,
        itemStatus: ItemStatus.Pending,
        direction: 'reserve',
        description: `Payout batch ${batch.id}: reserved for payout`,
      });
      await this.audit.record(m, actor, {
        action: FinanceAction.Create,
        subjectType: 'payout_batch',
        subjectId: batch.id,
        before: null,
        after: { status: BatchStatus.Created, itemCount, total: total.toString(), currency },
        details: { minimum: minimum.toString(), explicitItems: dto.items?.length ?? null },
      });
      await this.notifications.notify(m, 'finance.batch_awaits_approval', { role: Role.Finance, except: actor.id }, { batchId: batch.id }, { dedupeKey: `batch-created:${batch.id}` });
      return batch.id as string;
    });
    return this.batchView(batchId);
  }

  private async selectExplicit(m: EntityManager, currency: string, minimum: bigint, items: { referrerId: string; amount: string }[]): Promise<{ referrerIds: string[]; amounts: string[] }> {
    const ids = items.map((i) => i.referrerId.toLowerCase());
    if (new Set(ids).size !== ids.length) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'each referrer may appear once in a batch');
    // Locked (id order) and read by the ledger: the balances read are the ones the postings will move.
    const balances = await this.ledgerReads.lockBalances(m, AccountKind.ReferrerAvailable, currency, ids);
    const rows: { referrer_id: string; method: string | null; usable: boolean | null; email_confirmed: boolean | null }[] = await m.query(
      `SELECT x.referrer_id, d.method, ${USABLE_DETAILS_SQL} AS usable, ${EMAIL_CONFIRMED_SQL} AS email_confirmed
       FROM unnest($1::uuid[]) AS x(referrer_id)
       LEFT JOIN payout_details d ON d.referrer_id = x.referrer_id`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.referrer_id, r]));
    for (const item of items) {
      const r = byId.get(item.referrerId.toLowerCase())!;
      const available = balances.get(item.referrerId.toLowerCase()) ?? 0n;
      const amount = BigInt(item.amount);
      if (amount > available) {
        throw new PayoutException(PayoutErrorCode.AMOUNT_EXCEEDS_AVAILABLE, `${item.amount} exceeds referrer ${item.referrerId}'s available balance of ${available} ${currency}`, {
          referrerId: item.referrerId,
          available: available.toString(),
        });
      }
      if (amount < minimum) throw new PayoutException(PayoutErrorCode.AMOUNT_BELOW_MINIMUM, `${item.amount} is below the payout minimum of ${minimum} ${currency}`, { referrerId: item.referrerId });
      if (!r.usable) throw new PayoutException(PayoutErrorCode.REFERRER_NOT_ELIGIBLE, `Referrer ${item.referrerId} has no usable payout details`, { referrerId: item.referrerId });
      if (this.emailRequired && !r.email_confirmed) {
        throw new PayoutException(PayoutErrorCode.REFERRER_NOT_ELIGIBLE, `Referrer ${item.referrerId} has not confirmed the email address`, { referrerId: item.referrerId, reason: 'email_unconfirmed' });
      }
    }
    return { referrerIds: ids, amounts: items.map((i) => i.amount) };
  }

  async approve(batchId: string, actor: AuthUser): Promise<PayoutBatchView> {
    await this.db.transaction(async (m) => {
      const batch = await this.lockBatch(m, batchId);
      if (batch.status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'This batch was cancelled; it cannot be approved');
      if (batch.status !== BatchStatus.Created) throw new PayoutException(PayoutErrorCode.BATCH_ALREADY_APPROVED, `This batch is already ${batch.status}`);
      if (batch.createdBy === actor.id) throw new PayoutException(PayoutErrorCode.CANNOT_APPROVE_OWN_BATCH, 'A batch must be approved by a finance user other than its creator');
      await m.update(PayoutBatch, { id: batchId }, { status: BatchStatus.Approved, approvedBy: actor.id, approvedAt: new Date() });
      await this.audit.record(m, actor, {
        action: FinanceAction.Approve,
        subjectType: 'payout_batch',
        subjectId: batchId,
        before: { status: batch.status },
        after: { status: BatchStatus.Approved, approvedBy: actor.id },
        details: { itemCount: batch.itemCount, total: batch.total.toString() },
      });
    });
    return this.batchView(batchId);
  }

  /** Cancels a batch not yet executed; every item's money goes back to available. */
  async cancel(batchId: string, actor: AuthUser): Promise<PayoutBatchView> {
    await this.db.transaction(async (m) => {
      const batch = await this.lockBatch(m, batchId);
      if (batch.status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'This batch is already cancelled');
      if (batch.status !== BatchStatus.Created && batch.status !== BatchStatus.Approved) {
        throw new PayoutException(PayoutErrorCode.BATCH_NOT_CANCELLABLE, `A batch that is ${batch.status} cannot be cancelled; mark its bank items failed instead`);
      }
      const [, returned] = await m.query(
        `UPDATE payout_items SET status = 'cancelled', resolved_by = $2, resolved_at = now(), updated_at = now() WHERE batch_id = $1 AND status = 'pending'`,
        [batchId, actor.id],
      );
      await postItemMoves(this.ledger, m, {
        batchId,
        currency: batch.currency.trim(),
        itemStatus: ItemStatus.Cancelled,
        direction: 'release',
        description: `Payout batch ${batchId} cancelled: returned to available`,
      });
      await m.update(PayoutBatch, { id: batchId }, { status: BatchStatus.Cancelled, cancelledBy: actor.id, cancelledAt: new Date() });
      await this.audit.record(m, actor, {
        action: FinanceAction.Cancel,
        subjectType: 'payout_batch',
        subjectId: batchId,
        before: { status: batch.status },
        after: { status: BatchStatus.Cancelled },
        details: { itemsReturned: returned },
      });
    });
    return this.batchView(batchId);
  }

  async markBankItem(itemId: string, outcome: Settlement, actor: AuthUser): Promise<PayoutItemView> {
    if (!outcome.paid && outcome.reason.trim().length === 0) throw new PayoutException(PayoutErrorCode.FAILURE_REASON_REQUIRED, 'Say why the transfer failed');
    const item = await this.db.transaction(async (m) => {
      const rows: (PayoutItem & { batch_status: string })[] = await m.query(
        `SELECT i.id, i.batch_id AS "batchId", i.method, i.status, b.status AS batch_status FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
         WHERE i.id = $1 FOR UPDATE OF b, i`,
        [itemId],
      );
      const row = rows[0];
      if (!row) throw new PayoutException(PayoutErrorCode.ITEM_NOT_FOUND, 'No such payout item');
      if (row.method !== PayoutMethod.Bank) throw new PayoutException(PayoutErrorCode.ITEM_NOT_BANK_TRANSFER, 'Only bank-transfer items are marked by hand; Connect items are settled by execution');
      if (row.batch_status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'The batch was cancelled');
      if (row.batch_status === BatchStatus.Created) throw new PayoutException(PayoutErrorCode.BATCH_NOT_APPROVED, 'The batch has not been approved yet');
      if (row.status !== ItemStatus.Pending) throw new PayoutException(PayoutErrorCode.ITEM_ALREADY_RESOLVED, `The item is already ${row.status}`);
      const settled = await this.settle(m, itemId, outcome, actor.id);
      await this.audit.record(m, actor, {
        action: outcome.paid ? FinanceAction.MarkPaid : FinanceAction.MarkFailed,
        subjectType: 'payout_item',
        subjectId: itemId,
        before: { status: row.status },
        after: { status: settled!.status, failureReason: settled!.failureReason },
        details: { batchId: row.batchId, amount: settled!.amount.toString(), referrerId: settled!.referrerId },
      });
      return settled!;
    });
    if (outcome.paid) await this.mailer.payoutSent(item);
    return (await this.itemViews(`i.id = $1`, [itemId]))[0];
  }

  /**
   * Resolves one pending/sending item: paid posts in-transit → paid, failed posts in-transit →
   * available (the money is back). Returns null if someone else already resolved it. Completes the
   * batch when nothing is left open.
   */
  async settle(m: EntityManager, itemId: string, outcome: Settlement, actorId: string | null): Promise<PayoutItem | null> {
    const [[row]] = await m.query(
      `UPDATE payout_items SET status = $2, stripe_transfer_id = coalesce($3, stripe_transfer_id), failure_reason = $4, resolved_by = $5, resolved_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'sending')
       RETURNING id, batch_id, referrer_id, payee_kind, currency, amount, method, status, failure_reason`,
      [itemId, outcome.paid ? ItemStatus.Paid : ItemStatus.Failed, outcome.paid ? (outcome.transferId ?? null) : null, outcome.paid ? null : outcome.reason.trim(), actorId],
    );
    if (!row) return null;
    const currency = row.currency.trim();
    const amount = row.amount as bigint;
    await this.ledger.post(m, {
      idempotencyKey: outcome.paid ? `payout-paid:${itemId}` : `payout-failed:${itemId}`,
      cause: PostingCause.Payout,
      causeRef: itemId,
      description: outcome.paid ? `Payout sent${outcome.transferId ? ` (Stripe transfer ${outcome.transferId})` : ' (bank transfer)'}` : `Payout failed, returned to available: ${outcome.reason.trim()}`,
      lines: [
        { account: { kind: AccountKind.PayoutsInTransit, ownerId: row.referrer_id, currency }, amount: -amount },
        { account: { kind: outcome.paid ? AccountKind.ReferrerPaid : AccountKind.ReferrerAvailable, ownerId: row.referrer_id, currency }, amount },
      ],
      metadata: { batchId: row.batch_id, ...(outcome.paid && outcome.transferId ? { transferId: outcome.transferId } : {}) },
    });
    const notice = payoutNotice({ id: row.id, payeeKind: row.payee_kind, payeeId: row.referrer_id, amount, currency, method: row.method }, outcome.paid);
    await this.notifications.notify(m, notice.kind, notice.to, notice.payload, { dedupeKey: notice.dedupeKey });
    await this.events.publish(m, outcome.paid ? 'payout.paid' : 'payout.failed', {
      payoutItemId: row.id,
      batchId: row.batch_id,
      payeeKind: row.payee_kind,
      payeeId: row.referrer_id,
      referrerId: row.referrer_id,
      amount: amount.toString(),
      currency,
      method: row.method,
      transferId: outcome.paid ? (outcome.transferId ?? null) : null,
      failureReason: row.failure_reason ?? null,
    });
    await this.completeIfDone(m, row.batch_id);
    return { id: row.id, batchId: row.batch_id, referrerId: row.referrer_id, currency, amount: row.amount, method: row.method, status: row.status, failureReason: row.failure_reason } as PayoutItem;
  }

  async completeIfDone(m: EntityManager, batchId: string): Promise<void> {
    await m.query(
      `UPDATE payout_batches SET status = 'completed', completed_at = now()
       WHERE id = $1 AND status IN ('approved', 'executing') AND NOT EXISTS (SELECT 1 FROM payout_items WHERE batch_id = $1 AND status IN ('pending', 'sending'))`,
      [batchId],
    );
  }

  async lockBatch(m: EntityManager, batchId: string): Promise<PayoutBatch> {
    const batch = await m.findOne(PayoutBatch, { where: { id: batchId }, lock: { mode: 'pessimistic_write' } });
    if (!batch) throw new PayoutException(PayoutErrorCode.BATCH_NOT_FOUND, 'No such payout batch');
    return batch;
  }

  async batchView(batchId: string): Promise<PayoutBatchView> {
    const batch = await this.db.manager.findOne(PayoutBatch, { where: { id: batchId } });
    if (!batch) throw new PayoutException(PayoutErrorCode.BATCH_NOT_FOUND, 'No such payout batch');
    const counts: { status: string; n: bigint }[] = await this.db.query(`SELECT status, count(*) AS n FROM payout_items WHERE batch_id = $1 GROUP BY status`, [batchId]);
    const of = (s: ItemStatus) => Number(counts.find((c) => c.status === s)?.n ?? 0n);
    return {
      ...batch,
      currency: batch.currency.trim(),
      total: batch.total.toString(),
      counts: { pending: of(ItemStatus.Pending), sending: of(ItemStatus.Sending), paid: of(ItemStatus.Paid), failed: of(ItemStatus.Failed), cancelled: of(ItemStatus.Cancelled) },
    };
  }

  async batchDetail(batchId: string): Promise<PayoutBatchDetailView> {
    return { ...(await this.batchView(batchId)), items: await this.itemViews(`i.batch_id = $1`, [batchId], 1000) };
  }

  async listBatches(limit = 50): Promise<PayoutBatchView[]> {
    const ids: { id: string }[] = await this.db.query(`SELECT id FROM payout_batches ORDER BY created_at DESC LIMIT $1`, [limit]);
    return Promise.all(ids.map((b) => this.batchView(b.id)));
  }

  /** One payee's payout items (a referrer's or an exchange member's), newest first: when each was settled, or its batch created. */
  async itemsOfPayee(payeeId: string, limit = 500): Promise<{ id: string; amount: bigint; currency: string; method: string; status: string; at: Date; failureReason: string | null }[]> {
    const rows: { id: string; amount: bigint; currency: string; method: string; status: string; at: Date; failure_reason: string | null }[] = await this.db.query(
      `SELECT i.id, i.amount, i.currency, i.method, i.status, coalesce(i.resolved_at, b.created_at) AS at, i.failure_reason
         FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id
        WHERE i.referrer_id = $1 ORDER BY at DESC, i.id LIMIT $2`,
      [payeeId, limit],
    );
    return rows.map((r) => ({ id: r.id, amount: BigInt(r.amount), currency: r.currency.trim(), method: r.method, status: r.status, at: r.at, failureReason: r.failure_reason }));
  }

  async itemViews(where: string, params: unknown[], limit = 100_000): Promise<PayoutItemView[]> {
    const rows = await this.db.query(
      `SELECT i.*, u.email FROM payout_items i
         LEFT JOIN referrers r ON r.id = i.payee_referrer_id LEFT JOIN exchange_members em ON em.id = i.payee_member_id
         JOIN users u ON u.id = coalesce(r.user_id, em.user_id)
       WHERE ${where} ORDER BY i.amount DESC, i.id LIMIT ${Number(limit)}`,
      params,
    );
    return rows.map(
      (r: Record<string, any>): PayoutItemView => ({
        id: r.id,
        batchId: r.batch_id,
        referrerId: r.referrer_id,
        payeeKind: r.payee_kind,
        email: r.email,
        amount: r.amount.toString(),
        currency: r.currency.trim(),
        method: r.method,
        stripeAccountId: r.stripe_account_id,
        status: r.status,
        stripeTransferId: r.stripe_transfer_id,
        failureReason: r.failure_reason,
        resolvedAt: r.resolved_at,
      }),
    );
  }
}

