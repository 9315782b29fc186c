import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { FinanceAction, FinanceAuditService } from '../finance-audit/finance-audit.service';
import { ProgramService } from '../program/program.service';
import { isSameCompany } from '../referrers/company-identity';
import { SplitService } from '../splits/split.service';
import { Locale } from '../i18n/messages';
import { AttributionHistoryView } from './attribution.dto';
import { AttributionErrorCode, AttributionException } from './attribution.exception';
import { AttributionInForce, AttributionRepository, HistoryRow, InForceKey } from './attribution.repository';

export { AttributionInForce, InForceKey };

/** A paid-at later than any change: what is in force for invoices paid from now on. */
const FROM_NOW_ON = new Date('9999-12-31T00:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ChangeAttributionCommand {
  supplierId: string;
  /** The new referrer, or null for no one; undefined is refused (say which explicitly). */
  referrerId: string | null | undefined;
  reason: string | undefined;
}

/**
 * Which referrer a supplier's invoices earn for, and the admin's way to change it.
 *
 * A supplier has at most one attribution at a time. It is recorded at sign-up (the code redeemed,
 * with the split and program terms locked then). An admin may move the supplier to another referrer
 * or to no one, with a reason; the move is recorded with its time (valid_from), the new referrer's
 * split and the program's terms locked at that moment as at a redemption, and an audit record. It
 * applies to invoices paid from then on; commissions already earned stay where they were earned.
 * The commission months still count from the supplier's first paid invoice.
 */
@Injectable()
export class AttributionService {
  constructor(
    private readonly db: DataSource,
    private readonly repo: AttributionRepository,
    private readonly splits: SplitService,
    private readonly program: ProgramService,
    private readonly audit: FinanceAuditService,
  ) {}

  /** The attribution (referrer and locked terms) in force when the supplier's invoice was paid; null for no one. */
  async inForceAt(supplierId: string, paidAt: Date, m: EntityManager = this.db.manager): Promise<AttributionInForce | null> {
    return (await this.repo.inForceMany(m, [{ supplierId, paidAt }]))[0];
  }

  /** inForceAt for many invoices in one statement (a group of invoice.paid events); results in the order of `keys`. */
  inForceAtMany(m: EntityManager, keys: InForceKey[]): Promise<(AttributionInForce | null)[]> {
    return this.repo.inForceMany(m, keys);
  }

  async change(actor: AuthUser, cmd: ChangeAttributionCommand, locale: Locale = 'en'): Promise<AttributionHistoryView> {
    const fail = (code: AttributionErrorCode, details?: Record<string, unknown>) => new AttributionException(code, locale, details);
    if (!UUID.test(cmd.supplierId)) throw fail(AttributionErrorCode.ATTRIBUTION_SUPPLIER_NOT_FOUND, { supplierId: cmd.supplierId });
    const reason = cmd.reason?.trim() ?? '';
    if (cmd.referrerId === undefined) throw fail(AttributionErrorCode.ATTRIBUTION_TARGET_REQUIRED);
    if (reason === '') throw fail(AttributionErrorCode.ATTRIBUTION_REASON_REQUIRED);
    const target = cmd.referrerId;
    await this.db.transaction(async (m) => {
      const supplier = await this.repo.supplier(m, cmd.supplierId);
      if (!supplier) throw fail(AttributionErrorCode.ATTRIBUTION_SUPPLIER_NOT_FOUND, { supplierId: cmd.supplierId });
      // The same row lock invoice.paid takes: a payment is judged entirely before or after the change.
      const attribution = await this.repo.lockAttribution(m, supplier.id);
      if (!attribution) throw fail(AttributionErrorCode.ATTRIBUTION_NONE, { supplierId: supplier.id });
      const now = (await this.repo.inForceMany(m, [{ supplierId: supplier.id, paidAt: FROM_NOW_ON }]))[0];
      const previousReferrerId = now?.referrerId ?? null;
      if (previousReferrerId === target) throw fail(AttributionErrorCode.ATTRIBUTION_UNCHANGED, { referrerId: target });
      let terms: { promoCodeId: string | null; discountBp: number; commissionBp: number; commissionMonths: number | null; currency: string } | null = null;
      if (target !== null) {
        const referrer = await this.repo.referrer(m, target);
        if (!referrer) throw fail(AttributionErrorCode.ATTRIBUTION_REFERRER_NOT_FOUND, { referrerId: target });
        if (isSameCompany({ taxId: supplier.company_tax_id, emailDomain: supplier.email_domain }, { taxId: referrer.company_tax_id, emailDomain: referrer.email_domain })) {
          throw fail(AttributionErrorCode.ATTRIBUTION_SELF_REFERRAL, { referrerId: target });
        }
        // Locked now, as at a redemption: later changes of the split or the program do not touch them.
        const split = await this.splits.current(referrer.id, m);
        const settings = await this.program.settings(m);
        terms = { promoCodeId: await this.repo.codeOf(m, referrer.id), discountBp: split.discountBp, commissionBp: split.commissionBp, commissionMonths: settings.commissionMonths, currency: settings.currency };
      }
      const change = await this.repo.insertChange(m, {
        supplierId: supplier.id,
        attributionId: attribution.id,
        referrerId: target,
        promoCodeId: terms?.promoCodeId ?? null,
        discountBp: terms?.discountBp ?? null,
        commissionBp: terms?.commissionBp ?? null,
        commissionMonths: terms?.commissionMonths ?? null,
        currency: terms?.currency ?? null,
        previousReferrerId,
        reason,
        changedBy: actor.id,
      });
      await this.audit.record(m, actor, {
        action: FinanceAction.AttributionChange,
        subjectType: 'supplier',
        subjectId: supplier.id,
        before: now ? { referrerId: now.referrerId, commissionBp: now.commissionBp, discountBp: now.discountBp, commissionMonths: now.commissionMonths, changeId: now.changeId } : { referrerId: null },
        after: terms ? { referrerId: target, ...terms } : { referrerId: null },
        details: { reason, changeId: change.id, validFrom: change.valid_from, firstPaidAt: attribution.first_paid_at },
      });
    });
    return this.history(cmd.supplierId, locale);
  }

  async history(supplierId: string, locale: Locale = 'en'): Promise<AttributionHistoryView> {
    const m = this.db.manager;
    const supplier = UUID.test(supplierId) ? await this.repo.supplier(m, supplierId) : null;
    if (!supplier) throw new AttributionException(AttributionErrorCode.ATTRIBUTION_SUPPLIER_NOT_FOUND, locale, { supplierId });
    const [rows, current, locked] = await Promise.all([
      this.repo.history(m, supplierId),
      this.inForceAt(supplierId, FROM_NOW_ON, m),
      this.repo.firstPaidAt(m, supplierId),
    ]);
    return { supplierId, currentReferrerId: current?.referrerId ?? null, hasPaid: locked !== null, history: rows.map(toPeriod) };
  }
}

function toPeriod(r: HistoryRow): AttributionHistoryView['history'][number] {
  return {
    changeId: r.change_id,
    validFrom: r.valid_from,
    referrerId: r.referrer_id,
    referrerName: r.referrer_name,
    referrerCompany: r.referrer_company,
    code: r.code,
    discountBp: r.discount_bp,
    commissionBp: r.commission_bp,
    commissionMonths: r.commission_months,
    via: r.via,
    reason: r.reason,
    changedBy: r.changed_by_email,
    createdAt: r.created_at,
  };
}
