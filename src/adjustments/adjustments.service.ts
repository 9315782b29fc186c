import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind, PostingCause } from '../ledger/ledger.types';
import { ProgramService } from '../program/program.service';
import { AdjustmentView, CreateAdjustmentDto } from './adjustments.dto';
import { AdjustmentErrorCode, AdjustmentException } from './adjustments.exception';

/** The reason as stored (spaces collapsed); refused when shorter than 3 characters. */
export function adjustmentReason(text: string): string {
  const reason = text.trim().replace(/\s+/g, ' ');
  if (reason.length < 3) throw new AdjustmentException(AdjustmentErrorCode.ADJUSTMENT_REASON_REQUIRED, 'An adjustment needs a reason of at least 3 characters', { field: 'reason' });
  return reason;
}

/** Finance credits or debits a referrer, with a reason, through the ledger (platform_adjustments ↔ available). */
@Injectable()
export class AdjustmentsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
    private readonly audit: FinanceAuditService,
  ) {}

  async create(dto: CreateAdjustmentDto, actor: AuthUser): Promise<AdjustmentView> {
    const reason = adjustmentReason(dto.reason);
    const currency = dto.currency ?? (await this.program.settings()).currency.trim();
    const amount = BigInt(dto.amount);
    const key = dto.idempotencyKey ?? null;
    return this.db.transaction(async (m) => {
      const [referrer] = await m.query(`SELECT id FROM referrers WHERE id = $1`, [dto.referrerId]);
      if (!referrer) throw new AdjustmentException(AdjustmentErrorCode.REFERRER_NOT_FOUND, 'No such referrer');
      const before = await this.ledger.balances(dto.referrerId, currency, m);
      // A repeated key waits here for the first insert to commit, then finds nothing to insert.
      const [row] = await m.query(
        `INSERT INTO payout_adjustments (referrer_id, currency, amount, reason, created_by, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id, created_at`,
        [dto.referrerId, currency, amount.toString(), reason, actor.id, key],
      );
      if (!row) return this.replay(m, key!, { referrerId: dto.referrerId, amount, currency, reason });
      await this.ledger.post(m, {
        idempotencyKey: `adjustment:${row.id}`,
        cause: PostingCause.Adjustment,
        causeRef: row.id,
        description: `Adjustment: ${reason}`,
        lines: [
          { account: { kind: AccountKind.PlatformAdjustments, ownerId: null, currency }, amount: -amount },
          { account: { kind: AccountKind.ReferrerAvailable, ownerId: dto.referrerId, currency }, amount },
        ],
        metadata: { by: actor.id },
        // A debit adjustment takes money back from the referrer and may leave it owing.
        clawback: amount < 0n,
      });
      const after = await this.ledger.balances(dto.referrerId, currency, m);
      await this.audit.record(m, actor, {
        action: FinanceAction.Adjust,
        subjectType: 'referrer',
        subjectId: dto.referrerId,
        before: { available: before.available.toString() },
        after: { available: after.available.toString() },
        details: { adjustmentId: row.id, amount: amount.toString(), currency, reason },
      });
      return { id: row.id, referrerId: dto.referrerId, amount: amount.toString(), currency, reason, createdBy: actor.id, createdAt: row.created_at, availableAfter: after.available.toString() };
    });
  }

  /** The adjustment a key already posted, when the values agree (the same key with other values is refused). */
  private async replay(m: EntityManager, key: string, want: { referrerId: string; amount: bigint; currency: string; reason: string }): Promise<AdjustmentView> {
    const [a] = await m.query(`SELECT id, referrer_id, amount, currency, reason, created_by, created_at FROM payout_adjustments WHERE idempotency_key = $1`, [key]);
    if (!a || a.referrer_id !== want.referrerId || BigInt(a.amount) !== want.amount || a.currency.trim() !== want.currency || a.reason !== want.reason) {
      throw new AdjustmentException(AdjustmentErrorCode.ADJUSTMENT_KEY_REUSED, 'This idempotency key already posted a different adjustment', { field: 'idempotencyKey' });
    }
    const now = await this.ledger.balances(a.referrer_id, want.currency, m);
    return { id: a.id, referrerId: a.referrer_id, amount: BigInt(a.amount).toString(), currency: want.currency, reason: a.reason, createdBy: a.created_by, createdAt: a.created_at, availableAfter: now.available.toString(), replayed: true };
  }

  /** How many adjustments there are (of one referrer, or all). */
  async count(referrerId?: string): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM payout_adjustments WHERE ($1::uuid IS NULL OR referrer_id = $1)`, [referrerId ?? null]);
    return row.n;
  }

  /** One adjustment, or null. */
  async one(id: string): Promise<(Omit<AdjustmentView, 'availableAfter'> & { createdByEmail: string | null }) | null> {
    const rows = await this.rows(`WHERE a.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async list(referrerId?: string, limit = 500, offset = 0): Promise<(Omit<AdjustmentView, 'availableAfter'> & { createdByEmail: string | null })[]> {
    return this.rows(`WHERE ($1::uuid IS NULL OR a.referrer_id = $1) ORDER BY a.created_at DESC, a.id LIMIT $2 OFFSET $3`, [
      referrerId ?? null,
      Math.min(Math.max(1, Math.floor(limit)), 500),
      Math.max(0, Math.floor(offset)),
    ]);
  }

  private async rows(where: string, params: unknown[]): Promise<(Omit<AdjustmentView, 'availableAfter'> & { createdByEmail: string | null })[]> {
    const rows = await this.db.query(
      `SELECT a.id, a.referrer_id, a.amount, a.currency, a.reason, a.created_by, a.created_at, u.email AS created_by_email
         FROM payout_adjustments a LEFT JOIN users u ON u.id = a.created_by ${where}`,
      params,
    );
    return rows.map((r: Record<string, any>) => ({
      id: r.id,
      referrerId: r.referrer_id,
      amount: r.amount.toString(),
      currency: r.currency.trim(),
      reason: r.reason,
      createdBy: r.created_by,
      createdByEmail: r.created_by_email ?? null,
      createdAt: r.created_at,
    }));
  }
}
