import { Injectable, Logger } from '@nestjs/common';
import { AuthUser } from '../access/access.decorators';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind } from '../ledger/ledger.types';
import { ProgramService } from '../program/program.service';
import { ReconciliationView } from '../reconciliation/reconciliation.dto';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { PayeesRepository } from '../payouts/payees.repository';
import { StripeErrorCode, StripeException } from '../stripe/stripe.client';
import { FailedItemRow, FinanceConsoleRepository, WaitingBatchRow } from './finance-console.repository';
import { monthPeriod, todayIn } from '../common/zoned-dates';

/** Failed payments stay on the dashboard this long. */
export const FAILED_ITEMS_DAYS = 30;

/** A payee in words: a referrer, or an exchange member (kind exchange_member) by its company. */
export type Who = { kind?: string; fullName: string; companyName: string; email: string };
export type ReconciliationState = 'checked' | 'not_configured' | 'unavailable';

export interface FinanceDashboard {
  currency: string;
  /** Created by someone else: the viewer may approve them. */
  toApprove: WaitingBatchRow[];
  /** Created by the viewer: another finance user must approve them. */
  waitingForOthers: WaitingBatchRow[];
  /** Approved, not (fully) paid yet. */
  toExecute: WaitingBatchRow[];
  failed: { count: number; rows: (FailedItemRow & { who?: Who })[] };
  negative: { referrerId: string; balance: bigint; who?: Who }[];
  negativeTotal: bigint;
  reconciliation: { month: [number, number]; state: ReconciliationState; differences: number };
}

/** What finance must act on, from the services that own each figure. */
@Injectable()
export class FinanceConsoleService {
  private readonly logger = new Logger('FinanceConsole');

  constructor(
    private readonly repo: FinanceConsoleRepository,
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
    private readonly payees: PayeesRepository,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async dashboard(viewer: AuthUser, timeZone: string, now = new Date()): Promise<FinanceDashboard> {
    const currency = (await this.program.settings()).currency.trim();
    const batches = await this.repo.openBatches();
    const failed = await this.repo.failedItemsSince(new Date(now.getTime() - FAILED_ITEMS_DAYS * 24 * 3600 * 1000));
    const balances = await this.ledger.balancesByOwner(AccountKind.ReferrerAvailable, currency);
    const negative = [...balances].filter(([, b]) => b < 0n).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0].localeCompare(b[0])));
    const names = await this.payees.namesOf([...failed.rows.map((r) => r.referrerId), ...negative.map(([id]) => id)]);
    const [y, m] = todayIn(timeZone, now);
    return {
      currency,
      toApprove: batches.filter((b) => b.status === 'created' && b.createdBy !== viewer.id),
      waitingForOthers: batches.filter((b) => b.status === 'created' && b.createdBy === viewer.id),
      toExecute: batches.filter((b) => b.status === 'approved' || b.status === 'executing'),
      failed: { count: failed.count, rows: failed.rows.map((r) => ({ ...r, who: names.get(r.referrerId) })) },
      negative: negative.map(([referrerId, balance]) => ({ referrerId, balance, who: names.get(referrerId) })),
      negativeTotal: negative.reduce((s, [, b]) => s + b, 0n),
      reconciliation: { month: [y, m], ...(await this.monthDifferences(y, m, timeZone)) },
    };
  }

  /** Differences between the books and Stripe this month (a check that records nothing). */
  private async monthDifferences(y: number, m: number, timeZone: string): Promise<{ state: ReconciliationState; differences: number }> {
    const { from, to } = monthPeriod(y, m, timeZone);
    const r = await this.reconcile(from, to);
    return { state: r.state, differences: r.view?.differences.length ?? 0 };
  }

  /** The books against Stripe for a period, recording nothing; Stripe missing or unreachable is a state, not an error. */
  async reconcile(from: Date, to: Date): Promise<{ state: ReconciliationState; view?: ReconciliationView }> {
    try {
      return { state: 'checked', view: await this.reconciliation.check(from, to) };
    } catch (err) {
      if (err instanceof StripeException && err.code === StripeErrorCode.STRIPE_NOT_CONFIGURED) return { state: 'not_configured' };
      this.logger.warn(`reconciliation check failed: ${(err as Error).message}`);
      return { state: 'unavailable' };
    }
  }
}
