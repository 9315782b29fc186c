import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { toCsv } from '../common/csv/csv';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { ProgramService } from '../program/program.service';
import { CommissionCheck } from './commission-check';
import { ReconciliationView } from './reconciliation.dto';
import { ReconciliationRepository } from './reconciliation.repository';
import { TransferCheck } from './transfer-check';

/**
 * Compares the ledger and payout records with Stripe for a period: invoices paid vs the commission
 * each must have earned (CommissionCheck, by the webhooks' own rules) and transfers made vs payouts
 * recorded (TransferCheck), listing every difference. All Stripe reads happen before the audit write.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly db: DataSource,
    private readonly commissions: CommissionCheck,
    private readonly transfers: TransferCheck,
    private readonly repo: ReconciliationRepository,
    private readonly audit: FinanceAuditService,
    private readonly program: ProgramService,
  ) {}

  /** Runs the comparison and records in the audit log who ran it, for which period, with what result. */
  async run(from: Date, to: Date, actor: AuthUser): Promise<ReconciliationView> {
    const view = await this.check(from, to);
    await this.db.transaction((m) =>
      this.audit.record(m, actor, {
        action: FinanceAction.Reconcile,
        subjectType: 'period',
        subjectId: `${from.toISOString()}/${to.toISOString()}`,
        details: { differences: view.differences.length, stripeTransfers: view.stripeTransfers, recordedPayouts: view.recordedPayouts },
      }),
    );
    return view;
  }

  /** The comparison alone, recording nothing (a dashboard's glance at the month). */
  async check(from: Date, to: Date): Promise<ReconciliationView> {
    const c = await this.commissions.run(from, to);
    const t = await this.transfers.run(from, to);
    const differences = [...c.differences, ...t.differences];
    const view: ReconciliationView = {
      from,
      to,
      stripePaidInvoices: c.stripePaidInvoices,
      referredPaidInvoices: c.earningInvoices,
      ledgerCommissions: c.ledgerCommissions,
      stripePaidInvoicesTotal: c.stripePaidTotal.toString(),
      expectedCommissionsTotal: c.expectedCommissionTotal.toString(),
      ledgerCommissionsTotal: c.ledgerCommissionTotal.toString(),
      stripeTransfers: t.transfers.length,
      stripeTransfersTotal: t.transfers.reduce((s, x) => s + BigInt(x.amount), 0n).toString(),
      recordedPayouts: t.recorded.length,
      recordedPayoutsTotal: t.recorded.reduce((s, i) => s + i.amount, 0n).toString(),
      differences,
    };
    return view;
  }

  /** Commission movements (accruals, refunds, disputes, corrections, one-off bonuses and their clawbacks) on referrer accounts in the period. */
  async commissionsCsv(from: Date, to: Date): Promise<string> {
    const [rows, timeZone] = await Promise.all([this.repo.commissionMovements(from, to), this.program.timeZone()]);
    return toCsv(
      ['posting_id', 'occurred_at', 'cause', 'invoice_or_ref', 'referrer_id', 'account', 'amount_minor', 'currency'],
      rows.map((r) => [r.id, r.occurred_at, r.cause, r.cause_ref, r.owner_id, r.kind, r.amount, r.currency.trim()]),
      { timeZone },
    );
  }

  /** Payout items paid or failed in the period. */
  async payoutsCsv(from: Date, to: Date): Promise<string> {
    const [rows, timeZone] = await Promise.all([this.repo.resolvedPayoutItems(from, to), this.program.timeZone()]);
    return toCsv(
      ['item_id', 'batch_id', 'referrer_id', 'email', 'method', 'amount_minor', 'currency', 'status', 'stripe_transfer_id', 'failure_reason', 'resolved_at'],
      rows.map((r) => [r.id, r.batch_id, r.referrer_id, r.email, r.method, r.amount, r.currency.trim(), r.status, r.stripe_transfer_id, r.failure_reason, r.resolved_at]),
      { timeZone },
    );
  }
}
