import { Injectable } from '@nestjs/common';
import { Role } from '../access/role';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { monthPeriod, monthText, parseMonth, todayIn } from '../common/zoned-dates';
import { formatCount, formatDate, formatMoney } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { ReconciliationDifferenceView, ReconciliationView } from '../reconciliation/reconciliation.dto';
import { Locale, translate } from '../i18n/messages';
import { FinanceConsoleRepository } from './finance-console.repository';
import { FinanceConsoleService, ReconciliationState } from './finance-console.service';

/** At most this many months in one check (each month asks Stripe for its invoices and transfers). */
export const RECONCILIATION_MAX_MONTHS = 12;

export interface ReconciliationPeriod {
  fromMonth: string;
  toMonth: string;
  from: Date;
  to: Date;
}

export interface ExplainedDifference {
  kind: string;
  ref: string;
  sentence: string;
  links: { href: string; text: string }[];
}

export interface TotalsRow {
  label: string;
  ours: string;
  stripe: string;
  difference: string;
  differs: boolean;
  test: string;
}

/** Reconciliation for people: both sides' totals, and every difference explained in a sentence with links to the pages that exist. */
@Injectable()
export class FinanceReconciliationPageService {
  constructor(
    private readonly console: FinanceConsoleService,
    private readonly repo: FinanceConsoleRepository,
    private readonly program: ProgramService,
  ) {}

  /** "2026-03".."2026-05" → the instants bounding those months in the zone; the current month by default. */
  period(fromText: string, toText: string, timeZone: string, now = new Date()): ReconciliationPeriod {
    const [y, m] = todayIn(timeZone, now);
    const from = fromText ? parseMonth(fromText) : [y, m];
    const to = toText ? parseMonth(toText) : from;
    const bad: { field: string }[] = [];
    if (!from) bad.push({ field: 'from' });
    if (!to) bad.push({ field: 'to' });
    if (from && to) {
      const span = (to[0] - from[0]) * 12 + (to[1] - from[1]);
      if (span < 0 || span >= RECONCILIATION_MAX_MONTHS) bad.push({ field: 'to' });
    }
    if (bad.length || !from || !to) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, `Choose months from–to, at most ${RECONCILIATION_MAX_MONTHS} apart`, bad);
    return { fromMonth: monthText(from[0], from[1]), toMonth: monthText(to[0], to[1]), from: monthPeriod(from[0], from[1], timeZone).from, to: monthPeriod(to[0], to[1], timeZone).to };
  }

  async page(p: ReconciliationPeriod, locale: Locale, viewer: Role, timeZone: string): Promise<{ state: ReconciliationState; currency: string; totals?: TotalsRow[]; invoices?: string; differences?: ExplainedDifference[] }> {
    const currency = (await this.program.settings()).currency.trim();
    const { state, view } = await this.console.reconcile(p.from, p.to);
    if (!view) return { state, currency };
    const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
    const money = (v: string | bigint | null | undefined) => formatMoney(locale, v ?? '0', currency);
    const row = (test: string, label: string, ours: string, stripe: string): TotalsRow => {
      const d = BigInt(ours) - BigInt(stripe);
      return { test, label, ours: money(ours), stripe: money(stripe), difference: money(d), differs: d !== 0n };
    };
    const totals = [
      row('commissions', t('finance.rec.totals.commissions', { ours: formatCount(locale, view.ledgerCommissions), stripe: formatCount(locale, view.referredPaidInvoices) }), view.ledgerCommissionsTotal, view.expectedCommissionsTotal),
      row('payouts', t('finance.rec.totals.payouts', { ours: formatCount(locale, view.recordedPayouts), stripe: formatCount(locale, view.stripeTransfers) }), view.recordedPayoutsTotal, view.stripeTransfersTotal),
    ];
    const invoices = t('finance.rec.invoices', { count: formatCount(locale, view.stripePaidInvoices), total: money(view.stripePaidInvoicesTotal), earning: formatCount(locale, view.referredPaidInvoices) });
    return { state, currency, totals, invoices, differences: await this.explain(view, locale, viewer, timeZone, currency) };
  }

  private async explain(view: ReconciliationView, locale: Locale, viewer: Role, timeZone: string, currency: string): Promise<ExplainedDifference[]> {
    const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
    const money = (v: string | null | undefined) => formatMoney(locale, v ?? '0', currency);
    const suppliers = await this.repo.supplierNames(view.differences.map((d) => d.supplierId ?? '').filter((id) => /^[0-9a-f-]{36}$/i.test(id)));
    const items = await this.repo.itemsByIds(view.differences.map((d) => d.payoutItemId ?? ''));
    return view.differences.map((d: ReconciliationDifferenceView): ExplainedDifference => {
      const links: { href: string; text: string }[] = [];
      const supplier = d.supplierId ? suppliers.get(d.supplierId) : undefined;
      if (d.supplierId && viewer === Role.Admin) links.push({ href: `/admin/suppliers/${d.supplierId}`, text: t('finance.rec.link.supplier', { supplier: supplier ?? '' }) });
      const item = d.payoutItemId ? items.get(d.payoutItemId) : undefined;
      if (item) links.push({ href: `/finance/payouts/batches/${item.batchId}`, text: t('finance.rec.link.batch', { date: formatDate(locale, item.createdAt, 'date', timeZone) }) });
      const params = {
        ref: d.ref,
        supplier: supplier ?? t('finance.rec.unknownSupplier'),
        date: formatDate(locale, d.paidAt ?? null, 'date', timeZone),
        stripe: money(d.stripeAmount),
        recorded: money(d.recordedAmount),
        expected: money(d.expectedAmount ?? null),
        status: d.stripeStatus ? t(`finance.rec.invoiceStatus.${d.stripeStatus}`) : '',
      };
      const key =
        d.kind === 'commission_without_paid_invoice'
          ? d.stripeStatus === null || d.stripeStatus === undefined
            ? 'finance.rec.diff.commission_without_invoice'
            : 'finance.rec.diff.commission_without_paid_invoice'
          : d.kind === 'transfer_without_payout' && item
            ? 'finance.rec.diff.transfer_without_payout_item'
            : `finance.rec.diff.${d.kind}`;
      const sentence = t(key, params);
      return { kind: d.kind, ref: d.ref, sentence: sentence === key ? t('finance.rec.diff.other', { ref: d.ref }) : sentence, links };
    });
  }
}
