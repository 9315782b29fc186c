import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { ProgramService } from '../program/program.service';
import { EarningsView, ReferredSupplierView, StatementLineView } from './earnings.dto';

/** The referrer's side of commissions: who they brought, what it earned, every movement and why. */
@Injectable()
export class EarningsService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
  ) {}

  async suppliers(referrerId: string): Promise<ReferredSupplierView[]> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT s.id, s.company_name, a.discount_bp, a.commission_bp, a.commission_months, a.created_at, a.first_paid_at, a.stopped_at,
              b.stripe_subscription_id, b.subscription_status,
              COALESCE((SELECT sum(c.posted_pending + c.posted_available + c.posted_disputed) FROM commissions c WHERE c.attribution_id = a.id), 0)::bigint AS earned
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
      signedUpAt: r.created_at,
      firstPaidAt: r.first_paid_at,
      earned: String(r.earned),
    }));
  }

  /** Balances per currency the referrer has (the program currency at least). */
  async earnings(referrerId: string): Promise<EarningsView[]> {
    const settings = await this.program.settings();
    const rows: { currency: string }[] = await this.db.query(`SELECT DISTINCT currency FROM ledger_accounts WHERE owner_id = $1`, [referrerId]);
    const currencies = [...new Set([settings.currency, ...rows.map((r) => r.currency.trim())])];
    const out: EarningsView[] = [];
    for (const currency of currencies) {
      const b = await this.ledger.balances(referrerId, currency);
      out.push({ currency, pending: String(b.pending), available: String(b.available), disputed: String(b.disputed), inTransit: String(b.inTransit), paid: String(b.paid) });
    }
    return out;
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
