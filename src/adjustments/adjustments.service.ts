import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind, PostingCause } from '../ledger/ledger.types';
import { ProgramService } from '../program/program.service';
import { AdjustmentView, CreateAdjustmentDto } from './adjustments.dto';
import { AdjustmentErrorCode, AdjustmentException } from './adjustments.exception';

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
    const reason = dto.reason.trim().replace(/\s+/g, ' ');
    if (reason.length < 3) throw new AdjustmentException(AdjustmentErrorCode.ADJUSTMENT_REASON_REQUIRED, 'An adjustment needs a reason of at least 3 characters');
    const currency = dto.currency ?? (await this.program.settings()).currency.trim();
    const amount = BigInt(dto.amount);
    return this.db.transaction(async (m) => {
      const [referrer] = await m.query(`SELECT id FROM referrers WHERE id = $1`, [dto.referrerId]);
      if (!referrer) throw new AdjustmentException(AdjustmentErrorCode.REFERRER_NOT_FOUND, 'No such referrer');
      const before = await this.ledger.balances(dto.referrerId, currency, m);
      const [row] = await m.query(
        `INSERT INTO payout_adjustments (referrer_id, currency, amount, reason, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
        [dto.referrerId, currency, amount.toString(), reason, actor.id],
      );
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

  async list(referrerId?: string, limit = 500): Promise<(Omit<AdjustmentView, 'availableAfter'> & { createdByEmail: string | null })[]> {
    const rows = await this.db.query(
      `SELECT a.id, a.referrer_id, a.amount, a.currency, a.reason, a.created_by, a.created_at, u.email AS created_by_email
         FROM payout_adjustments a LEFT JOIN users u ON u.id = a.created_by
        WHERE ($1::uuid IS NULL OR a.referrer_id = $1) ORDER BY a.created_at DESC, a.id LIMIT $2`,
      [referrerId ?? null, Math.min(Math.max(1, Math.floor(limit)), 500)],
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
