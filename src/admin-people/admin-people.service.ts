import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { refundedAmount } from '../commissions/commission-rules';
import { CommissionFactsRepository, NO_FACTS } from '../commissions/commission-facts.repository';
import { EarningsService } from '../commissions/earnings.service';
import { StatementContextService } from '../commissions/statement-context.service';
import { StatementEvent, statementEvents } from '../commissions/statement-events';
import { describeStatementEvent } from '../commissions/statement-text';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { ReferrerService } from '../referrers/referrer.service';
import { SplitService } from '../splits/split.service';
import { AttributionService } from '../suppliers/attribution.service';
import { SupplierService } from '../suppliers/supplier.service';
import { Locale } from '../i18n/messages';
import { ProgramService } from '../program/program.service';
import { AdminPeopleRepository, PersonHit, PersonKind } from './admin-people.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const STATEMENT_PAGE = 20;

/** A bad or unknown id: the page answers with the translated 404 page. */
function notFound(what: string, id: string): CommonException {
  return new CommonException(CommonErrorCode.NOT_FOUND, `No ${what} ${id}`);
}

/** What an admin reads about referrers and suppliers, from the features that own each figure. */
@Injectable()
export class AdminPeopleService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: AdminPeopleRepository,
    private readonly referrers: ReferrerService,
    private readonly suppliers: SupplierService,
    private readonly earnings: EarningsService,
    private readonly contexts: StatementContextService,
    private readonly facts: CommissionFactsRepository,
    private readonly details: PayoutDetailsService,
    private readonly codes: PromoCodeService,
    private readonly splits: SplitService,
    private readonly attributions: AttributionService,
    private readonly program: ProgramService,
  ) {}

  search(q: string, limit: number, offset: number, kinds?: PersonKind[]): Promise<{ rows: PersonHit[]; total: number }> {
    return this.repo.search(q, limit, offset, kinds);
  }

  async assertReferrer(id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.repo.referrerExists(id))) throw notFound('referrer', id);
  }

  /** Everything the referrer page shows; `statementPage` counts from 1. */
  async referrer(id: string, locale: Locale, statementPage: number) {
    await this.assertReferrer(id);
    const [cabinet, splits, suppliers, balances, details] = await Promise.all([
      this.referrers.cabinetById(id),
      this.splits.history(id),
      this.earnings.suppliers(id),
      this.earnings.earnings(id),
      this.details.view(id),
    ]);
    const currency = balances[0].currency;
    // The statement as events (one per posting), newest first, a page of them at a time.
    const all = statementEvents(await this.earnings.statement(id, currency, 1000, 0));
    const page = all.slice((statementPage - 1) * STATEMENT_PAGE, statementPage * STATEMENT_PAGE);
    const [contexts, timeZone] = await Promise.all([this.contexts.forPostings(page.map((e) => e.postingId)), this.program.timeZone()]);
    return {
      cabinet,
      splits,
      suppliers,
      balances: balances.map((b) => {
        const available = BigInt(b.available);
        return { ...b, available: (available > 0n ? available : 0n).toString(), negative: (available < 0n ? available : 0n).toString(), isNegative: available < 0n };
      }),
      currency,
      statement: page.map((e: StatementEvent) => {
        const withContext = { ...e, context: contexts.get(e.postingId) ?? {} };
        return { ...withContext, text: describeStatementEvent(locale, withContext, currency, 'staff', timeZone) };
      }),
      statementHasNext: all.length > statementPage * STATEMENT_PAGE,
      payout: {
        method: details.method,
        complete: details.usable,
        // Never more of the bank details than the last four digits of the account.
        last4: details.bank?.accountNumberLast4 ?? null,
      },
    };
  }

  async pauseCode(id: string, paused: boolean): Promise<void> {
    await this.assertReferrer(id);
    await this.codes.setPaused(id, paused);
  }

  async revokeCode(id: string): Promise<void> {
    await this.assertReferrer(id);
    const code = await this.codes.forReferrer(id);
    await this.codes.revoke(code.code);
  }

  /** Everything the supplier page shows. */
  async supplier(id: string, locale: Locale) {
    if (!UUID.test(id)) throw notFound('supplier', id);
    const exists = (await this.db.query(`SELECT 1 FROM suppliers WHERE id = $1`, [id])).length > 0;
    if (!exists) throw notFound('supplier', id);
    const [view, history, commissions, firstPaidAt] = await Promise.all([
      this.suppliers.view(id),
      this.attributions.history(id, locale),
      this.repo.commissionsOfSupplier(id),
      this.repo.firstPaidAt(id),
    ]);
    const invoiceIds = view.billing.invoices.map((i) => i.id);
    const facts = await this.facts.facts(this.db.manager, invoiceIds);
    const invoices = view.billing.invoices.map((i) => {
      const f = facts.get(i.id) ?? NO_FACTS;
      const c = commissions.get(i.id);
      const tax = i.totalExcludingTax === null ? null : (BigInt(i.total) - BigInt(i.totalExcludingTax)).toString();
      return {
        ...i,
        currency: i.currency.trim(),
        tax,
        refunded: refundedAmount(f.refunds, f.charges).toString(),
        commission: c
          ? { ...c, earned: c.earned.toString(), currency: c.currency ?? i.currency.trim(), state: !c.referrerId ? 'none' : c.releasedAt ? 'available' : 'pending' }
          : null,
      };
    });
    // The entry in force for invoices paid now: the latest (a change to no one leaves no terms).
    const latest = history.history.at(-1) ?? null;
    return { view, history, invoices, firstPaidAt, current: latest && latest.referrerId ? latest : null };
  }

  /** "Anna Petrova · Retail Co", or null for an unknown referrer. */
  async referrerName(id: string): Promise<string | null> {
    const who = (await this.referrers.namesOf([id])).get(id);
    return who ? `${who.fullName} · ${who.companyName}` : null;
  }

  changeAttribution(actor: AuthUser, supplierId: string, referrerId: string | null | undefined, reason: string | undefined, locale: Locale) {
    return this.attributions.change(actor, { supplierId, referrerId, reason }, locale);
  }
}
