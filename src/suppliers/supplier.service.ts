import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../auth/auth.service';
import { AuthService } from '../auth/auth.service';
import { Role } from '../access/role';
import { User } from '../auth/user.entity';
import { BillingCustomer, BillingService } from '../billing/billing.service';
import { DomainEvents } from '../events/domain-events';
import { formatBasisPoints } from '../money/money';
import { ProgramService } from '../program/program.service';
import { PromoCode } from '../promo-codes/promo-code.entity';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { emailDomain, isPlausibleTaxId, isSameCompany, normalizeTaxId } from '../referrers/company-identity';
import { Referrer } from '../referrers/referrer.entity';
import { SplitService } from '../splits/split.service';
import { SupplierAttribution } from './attribution.entity';
import { SignUpSupplierDto, SupplierSignUpView, SupplierView } from './supplier.dto';
import { Supplier } from './supplier.entity';
import { SupplierErrorCode, SupplierException } from './supplier.exception';

export interface SignUpContext {
  /** The code remembered from /join?ref= (cookie), if any: a sign-up with it counts as via link. */
  linkCode?: string;
}

/** Self-referral: the supplier is the referrer's own company (same tax id or same registrable corporate domain). */
export function isSelfReferral(supplier: { taxId: string; email: string }, referrer: Pick<Referrer, 'companyTaxId' | 'emailDomain'>): boolean {
  return isSameCompany({ taxId: supplier.taxId, emailDomain: emailDomain(supplier.email) }, { taxId: referrer.companyTaxId, emailDomain: referrer.emailDomain });
}

@Injectable()
export class SupplierService {
  constructor(
    private readonly db: DataSource,
    private readonly auth: AuthService,
    private readonly codes: PromoCodeService,
    private readonly splits: SplitService,
    private readonly program: ProgramService,
    private readonly billing: BillingService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Account, supplier and attribution (terms locked now) in one transaction; a refusal writes
   * nothing. Stripe billing starts after the commit: if Stripe is unreachable the supplier exists
   * and starts billing later from its page.
   */
  async signUp(dto: SignUpSupplierDto, ctx: SignUpContext = {}): Promise<SupplierSignUpView> {
    const taxId = normalizeTaxId(dto.companyTaxId);
    if (!isPlausibleTaxId(taxId)) {
      throw new SupplierException(SupplierErrorCode.SUPPLIER_TAX_ID_MALFORMED, 'The company tax id must be 5–20 letters and digits', { field: 'companyTaxId' });
    }
    const supplierId = await this.db.transaction(async (m) => {
      let promo: PromoCode | undefined;
      let referrer: Referrer | undefined;
      if (dto.promoCode && dto.promoCode.trim() !== '') {
        // FOR SHARE: a concurrent pause/revoke waits for this sign-up (or this one sees it).
        promo = await this.codes.findRedeemable(dto.promoCode, m);
        await m.query('SELECT 1 FROM promo_codes WHERE id = $1 FOR SHARE', [promo.id]);
        promo = await this.codes.findRedeemable(dto.promoCode, m);
        referrer = await m.findOneOrFail(Referrer, { where: { id: promo.referrerId } });
        if (isSelfReferral({ taxId, email: dto.email }, referrer)) {
          throw new SupplierException(SupplierErrorCode.SELF_REFERRAL, 'A referrer cannot refer their own company (same tax id or corporate email domain)', { code: promo.code });
        }
      }
      if (await m.exists(Supplier, { where: { companyTaxId: taxId } })) throw taxIdTaken();
      const user = await this.auth.createUser(m, dto.email, dto.password, Role.Supplier);
      let supplier: Supplier;
      try {
        supplier = await m.save(m.create(Supplier, { userId: user.id, companyName: dto.companyName.trim(), companyTaxId: taxId, emailDomain: emailDomain(user.email) }));
      } catch (err) {
        if (isUniqueViolation(err, 'suppliers_tax_id_unique')) throw taxIdTaken();
        throw err;
      }
      if (promo && referrer) await this.attribute(m, supplier, promo, referrer, ctx);
      return supplier.id;
    });
    await this.billing.trySubscribe(await this.billingCustomer(supplierId));
    const view = await this.view(supplierId);
    const token = await this.auth.issueToken({ id: (await this.userOf(supplierId)).id, email: view.email, role: Role.Supplier });
    return { accessToken: token.accessToken, expiresIn: token.expiresIn, supplier: view };
  }

  private async attribute(m: EntityManager, supplier: Supplier, promo: PromoCode, referrer: Referrer, ctx: SignUpContext): Promise<void> {
    const split = await this.splits.current(referrer.id, m);
    const settings = await this.program.settings(m);
    const via = ctx.linkCode && ctx.linkCode.toUpperCase() === promo.code ? 'link' : 'code';
    const attribution = await m.save(
      m.create(SupplierAttribution, {
        supplierId: supplier.id,
        referrerId: referrer.id,
        promoCodeId: promo.id,
        discountBp: split.discountBp,
        commissionBp: split.commissionBp,
        commissionMonths: settings.commissionMonths,
        currency: settings.currency,
        bonusAmount: settings.bonusAmount,
        bonusMode: settings.bonusMode,
        via,
      }),
    );
    await this.events.publish(m, 'supplier.attributed', { supplierId: supplier.id, referrerId: attribution.referrerId });
  }

  async supplierIdOfUser(userId: string): Promise<string> {
    const s = await this.db.manager.findOne(Supplier, { where: { userId }, select: { id: true } });
    if (!s) throw new SupplierException(SupplierErrorCode.SUPPLIER_NOT_FOUND, 'This account has no supplier profile');
    return s.id;
  }

  async viewForUser(userId: string): Promise<SupplierView> {
    return this.view(await this.supplierIdOfUser(userId));
  }

  async subscribeForUser(userId: string): Promise<SupplierView> {
    const id = await this.supplierIdOfUser(userId);
    await this.billing.subscribe(await this.billingCustomer(id));
    return this.view(id);
  }

  async view(supplierId: string): Promise<SupplierView> {
    const s = await this.db.manager.findOne(Supplier, { where: { id: supplierId } });
    if (!s) throw new SupplierException(SupplierErrorCode.SUPPLIER_NOT_FOUND, `No supplier ${supplierId}`);
    const [user, billing, rows] = await Promise.all([
      this.userOf(supplierId),
      this.billing.view(supplierId),
      this.db.query(
        `SELECT a.*, p.code, r.full_name, r.company_name FROM supplier_attributions a
           JOIN promo_codes p ON p.id = a.promo_code_id JOIN referrers r ON r.id = a.referrer_id WHERE a.supplier_id = $1`,
        [supplierId],
      ),
    ]);
    const a = rows[0];
    return {
      id: s.id,
      email: user.email,
      companyName: s.companyName,
      companyTaxId: s.companyTaxId,
      attribution: a
        ? {
            id: a.id,
            code: a.code,
            referrerName: a.full_name,
            referrerCompany: a.company_name,
            discountBp: a.discount_bp,
            discountPercent: formatBasisPoints(a.discount_bp),
            months: a.commission_months,
            via: a.via,
            createdAt: a.created_at,
          }
        : null,
      billing,
      createdAt: s.createdAt,
    };
  }

  private async billingCustomer(supplierId: string): Promise<BillingCustomer> {
    const supplier = await this.db.manager.findOneOrFail(Supplier, { where: { id: supplierId } });
    const user = await this.db.manager.findOneOrFail(User, { where: { id: supplier.userId } });
    const a = await this.db.manager.findOne(SupplierAttribution, { where: { supplierId } });
    const discount = a ? { attributionId: a.id, discountBp: a.discountBp, commissionMonths: a.commissionMonths } : null;
    return { supplierId, email: user.email, companyName: supplier.companyName, discount };
  }

  private async userOf(supplierId: string): Promise<User> {
    const s = await this.db.manager.findOneOrFail(Supplier, { where: { id: supplierId } });
    return this.db.manager.findOneOrFail(User, { where: { id: s.userId } });
  }
}

function taxIdTaken(): SupplierException {
  return new SupplierException(SupplierErrorCode.SUPPLIER_TAX_ID_TAKEN, 'A supplier with this company tax id is already signed up', { field: 'companyTaxId' });
}
