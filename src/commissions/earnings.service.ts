import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { LedgerReadRepository } from '../ledger/ledger-read.repository';
import { ProgramService } from '../program/program.service';
import { monthPeriod, monthText, todayIn } from '../common/zoned-dates';
import { EarningsView, MonthEarningsView, ReferredSupplierView, StatementLineView } from './earnings.dto';

/** The referrer's side of commissions: who they brought, what it earned, every movement and why. */
@Injectable()
export class EarningsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly ledgerReads: LedgerReadRepository,
    private readonly program: ProgramService,
  ) {}

  async suppliers(referrerId: string): Promise<ReferredSupplierView[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT s.id, s.company_name, a.discount_bp, a.commission_bp, a.commission_months, a.created_at, a.first_paid_at, a.stopped_at,
              a.bonus_amount, a.bonus_mode, b.stripe_subscription_id, b.subscription_status,
              (COALESCE((SELECT sum(c.posted_pending + c.posted_available + c.posted_disputed) FROM commissions c WHERE c.attribution_id = a.id), 0)
               + COALESCE((SELECT cb.posted_pending + cb.posted_available FROM commission_bonuses cb WHERE cb.attribution_id = a.id AND cb.referrer_id = a.referrer_id), 0))::bigint AS earned
         FROM supplier_attributions a JOIN suppliers s ON s.id = a.supplier_id LEFT JOIN billing_accounts b ON b.supplier_id = s.id
        WHERE a.referrer_id = $1 ORDER BY a.created_at DESC, s.id LIMIT 1000`,
      [referrerId],
    );
    return rows.map((r) => ({
      supplierId: r.id,
      companyName: r.company_name,
      state: supplierState(r),
      discountBp: r.discount_bp,
      commissionBp: r.commission_bp,
      commissionMonths: r.commission_months,
      bonusAmount: String(r.bonus_amount),
      bonusMode: r.bonus_mode,
      signedUpAt: r.created_at,
      firstPaidAt: r.first_paid_at,
      earned: String(r.earned),
    }));
  }

  /** Balances per currency the referrer has (the program currency at least). */
  async earnings(referrerId: string): Promise<EarningsView[]> {
    const settings = await this.program.settings();
    const currencies = [...new Set([settings.currency, ...(await this.ledgerReads.currenciesOf(referrerId))])];
    const out: EarningsView[] = [];
    for (const currency of currencies) {
      const b = await this.ledger.balances(referrerId, currency);
      out.push({ currency, pending: String(b.pending), available: String(b.available), disputed: String(b.disputed), inTransit: String(b.inTransit), paid: String(b.paid) });
    }
    return out;
  }

  /**
   * Earned per month for the last `months` calendar months of the zone, oldest first, this month
   * included (net of refunds; see LedgerService.netByMonth). Every month is present, 0 when quiet.
   */
  async byMonth(referrerId: string, currency: string, timeZone: string, months = 12, now = new Date()): Promise<MonthEarningsView[]> {
    const [y, m] = todayIn(timeZone, now);
    const list: [number, number][] = [];
    for (let i = months - 1; i >= 0; i--) {
      const k = y * 12 + (m - 1) - i;
      list.push([Math.floor(k / 12), (k % 12) + 1]);
    }
    const from = monthPeriod(...list[0], timeZone).from;
    const to = monthPeriod(y, m, timeZone).to;
    const net = await this.ledger.netByMonth(referrerId, currency, from, to, timeZone);
    return list.map(([yy, mm]) => ({ month: monthText(yy, mm), startsAt: monthPeriod(yy, mm, timeZone).from, amount: String(net.get(monthText(yy, mm)) ?? 0n) }));
  }

  /** Commission and one-off bonuses still in their hold, by the date they become available (earliest first). */
  async holds(referrerId: string, currency: string): Promise<{ availableAt: Date; amount: bigint }[]> {
    const rows: { available_at: Date; amount: bigint }[] = await this.db.query(
      `SELECT available_at, sum(pending)::bigint AS amount FROM (
         SELECT available_at, posted_pending AS pending FROM commissions
          WHERE referrer_id = $1 AND currency = $2 AND paid AND released_at IS NULL AND posted_pending > 0 AND available_at IS NOT NULL
         UNION ALL
         SELECT available_at, posted_pending FROM commission_bonuses
          WHERE referrer_id = $1 AND currency = $2 AND released_at IS NULL AND posted_pending > 0 AND available_at IS NOT NULL) h
        GROUP BY available_at ORDER BY available_at`,
      [referrerId, currency],
    );
    return rows.map((r) => ({ availableAt: r.available_at, amount: BigInt(r.amount) }));
  }

  /** One-off bonuses the referrer holds now (pending or available, after clawbacks): how many suppliers' first payments, and the sum. */
  async bonuses(referrerId: string, currency: string): Promise<{ count: number; amount: bigint }> {
    const [row]: { count: number; amount: bigint }[] = await this.db.query(
      `SELECT count(*)::int AS count, COALESCE(sum(posted_pending + posted_available), 0)::bigint AS amount FROM commission_bonuses
        WHERE referrer_id = $1 AND currency = $2 AND posted_pending + posted_available > 0`,
      [referrerId, currency],
    );
    return { count: row.count, amount: BigInt(row.amount) };
  }

  async statement(referrerId: string, currency: string | undefined, limit: number, offset: number): Promise<StatementLineView[]> {
    const cur = currency ?? (await this.program.settings()).currency;
    const lines = await this.ledger.statement(referrerId, cur, { limit, offset });
    return lines.map((l) => ({
      postingId: l.postingId,
      occurredAt: l.occurredAt,
      cause: l.cause,
      causeRef: l.causeRef,
      description: l.description,
      account: l.account,
      amount: String(l.amount),
      balanceAfter: String(l.balanceAfter),
    }));
  }
}

/** Where a supplier is: signed up, subscribed, paying or cancelled (from its attribution and billing rows). */
export function supplierState(r: Record<string, any>): ReferredSupplierView['state'] {
  if (r.stopped_at || r.subscription_status === 'canceled' || r.subscription_status === 'incomplete_expired') return 'cancelled';
  if (r.first_paid_at) return 'paying';
  if (r.stripe_subscription_id) return 'subscribed';
  return 'signed_up';
}
