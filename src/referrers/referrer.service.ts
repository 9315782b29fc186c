import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { DomainEvents } from '../events/domain-events';
import { Role } from '../access/role';
import { User } from '../auth/user.entity';
import { ProgramService } from '../program/program.service';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { SplitService } from '../splits/split.service';
import { likeContains } from '../common/sql/like';
import { emailDomain, isPlausibleTaxId, normalizeTaxId } from './company-identity';
import { OfferAcceptance } from './offer-acceptance.entity';
import { ReferrerCabinetView, RegisterReferrerDto, RegistrationView, ReferrerSummaryView } from './referrer.dto';
import { Referrer } from './referrer.entity';
import { ReferrerErrorCode, ReferrerException } from './referrer.exception';

export interface RegistrationContext {
  ip: string;
  userAgent?: string;
}

@Injectable()
export class ReferrerService {
  constructor(
    private readonly db: DataSource,
    private readonly auth: AuthService,
    private readonly program: ProgramService,
    private readonly codes: PromoCodeService,
    private readonly splits: SplitService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Account, referrer, offer acceptance, first split and promo code: all in one transaction, so a
   * refusal at any step writes nothing.
   */
  async register(dto: RegisterReferrerDto, ctx: RegistrationContext): Promise<RegistrationView> {
    const taxId = dto.companyTaxId ? normalizeTaxId(dto.companyTaxId) : null;
    if (taxId !== null && !isPlausibleTaxId(taxId)) {
      throw new ReferrerException(ReferrerErrorCode.TAX_ID_MALFORMED, 'The company tax id must be 5–20 letters and digits', { field: 'companyTaxId' });
    }
    const referrerId = await this.db.transaction(async (m) => {
      await this.assertCurrentOfferAccepted(m, dto.acceptedOfferVersion);
      const user = await this.auth.createUser(m, dto.email, dto.password, Role.Referrer);
      const referrer = await m.save(
        m.create(Referrer, { userId: user.id, fullName: dto.fullName.trim(), companyName: dto.companyName.trim(), companyTaxId: taxId, emailDomain: emailDomain(user.email) }),
      );
      await m.insert(OfferAcceptance, { referrerId: referrer.id, offerVersion: dto.acceptedOfferVersion!, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 500) ?? null });
      await this.splits.initial(m, referrer.id);
      await this.codes.issue(m, referrer.id);
      await this.events.publish(m, 'referrer.registered', { referrerId: referrer.id, campaignToken: dto.campaignToken });
      return referrer.id;
    });
    const cabinet = await this.cabinetById(referrerId);
    const token = await this.auth.issueToken({ id: (await this.userOf(referrerId)).id, email: cabinet.email, role: Role.Referrer });
    return { accessToken: token.accessToken, expiresIn: token.expiresIn, referrer: cabinet };
  }

  private async assertCurrentOfferAccepted(m: EntityManager, accepted: number | undefined): Promise<void> {
    const current = await this.program.currentOffer(m);
    if (accepted === undefined || accepted === null) {
      throw new ReferrerException(ReferrerErrorCode.OFFER_NOT_ACCEPTED, 'Read and accept the offer agreement to register', {
        field: 'acceptedOfferVersion',
        currentVersion: current.version,
      });
    }
    if (accepted !== current.version) {
      throw new ReferrerException(ReferrerErrorCode.OFFER_VERSION_STALE, `The offer changed: accept version ${current.version} instead of ${accepted}`, {
        field: 'acceptedOfferVersion',
        acceptedVersion: accepted,
        currentVersion: current.version,
      });
    }
  }

  async referrerIdOfUser(userId: string): Promise<string> {
    const r = await this.db.manager.findOne(Referrer, { where: { userId }, select: { id: true } });
    if (!r) throw new ReferrerException(ReferrerErrorCode.REFERRER_NOT_FOUND, 'This account has no referrer profile');
    return r.id;
  }

  async cabinetForUser(userId: string): Promise<ReferrerCabinetView> {
    return this.cabinetById(await this.referrerIdOfUser(userId));
  }

  async cabinetById(referrerId: string): Promise<ReferrerCabinetView> {
    const r = await this.db.manager.findOne(Referrer, { where: { id: referrerId } });
    if (!r) throw new ReferrerException(ReferrerErrorCode.REFERRER_NOT_FOUND, `No referrer ${referrerId}`);
    const [user, code, split, settings, acceptance] = await Promise.all([
      this.userOf(referrerId),
      this.codes.forReferrer(referrerId),
      this.splits.current(referrerId),
      this.program.settings(),
      this.db.manager.findOneOrFail(OfferAcceptance, { where: { referrerId }, order: { id: 'ASC' } }),
    ]);
    const offer = await this.db.query('SELECT text FROM offer_versions WHERE version = $1', [acceptance.offerVersion]);
    return {
      id: r.id,
      email: user.email,
      fullName: r.fullName,
      companyName: r.companyName,
      companyTaxId: r.companyTaxId,
      promoCode: this.codes.view(code),
      split: { discountBp: split.discountBp, commissionBp: split.commissionBp, budgetBp: split.budgetBp, since: split.since },
      bounds: { discountMinBp: settings.discountMinBp, discountMaxBp: settings.discountMaxBp, budgetBp: settings.budgetBp },
      offer: { version: acceptance.offerVersion, text: offer[0]?.text ?? '', acceptedAt: acceptance.acceptedAt, ip: acceptance.ip },
    };
  }

  async list(limit: number, offset: number): Promise<ReferrerSummaryView[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.id, u.email, r.full_name, r.company_name, p.code, p.status, r.created_at
         FROM referrers r JOIN users u ON u.id = r.user_id JOIN promo_codes p ON p.referrer_id = r.id
        ORDER BY r.created_at DESC, r.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map((x) => ({
      id: x.id as string,
      email: x.email as string,
      fullName: x.full_name as string,
      companyName: x.company_name as string,
      code: x.code as string,
      codeStatus: x.status as string,
      createdAt: x.created_at as Date,
    }));
  }

  /**
   * Referrers whose name, company or email contains the text, or whose promo code is it (any case),
   * best matches first: exact code or email, then by name. For staff picking a referrer.
   */
  async search(text: string, limit = 20): Promise<(ReferrerSummaryView & { exact: boolean })[]> {
    const q = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    if (q === '') return [];
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT r.id, u.email, r.full_name, r.company_name, p.code, p.status, r.created_at, (c.id IS NOT NULL OR lower(u.email) = lower($2)) AS exact
         FROM referrers r JOIN users u ON u.id = r.user_id
         LEFT JOIN LATERAL (SELECT code, status FROM promo_codes WHERE referrer_id = r.id ORDER BY status = 'active' DESC, created_at DESC LIMIT 1) p ON true
         LEFT JOIN promo_codes c ON c.referrer_id = r.id AND c.code = upper($2)
        WHERE r.full_name ILIKE $1 OR r.company_name ILIKE $1 OR u.email ILIKE $1 OR c.id IS NOT NULL
        ORDER BY exact DESC, r.full_name, r.company_name, r.id LIMIT $3`,
      [likeContains(q), q, Math.min(Math.max(1, limit), 100)],
    );
    return rows.map((x) => ({
      id: x.id as string,
      email: x.email as string,
      fullName: x.full_name as string,
      companyName: x.company_name as string,
      code: (x.code as string | null) ?? '',
      codeStatus: (x.status as string | null) ?? '',
      createdAt: x.created_at as Date,
      exact: x.exact === true,
    }));
  }

  /** Who a referrer is, for pages that list referrers by id ("Anna Petrova · Retail Co"). */
  async namesOf(ids: string[]): Promise<Map<string, { fullName: string; companyName: string; email: string }>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; full_name: string; company_name: string; email: string }[] = await this.db.query(
      `SELECT r.id, r.full_name, r.company_name, u.email FROM referrers r JOIN users u ON u.id = r.user_id WHERE r.id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { fullName: r.full_name, companyName: r.company_name, email: r.email }]));
  }

  private async userOf(referrerId: string): Promise<User> {
    const r = await this.db.manager.findOneOrFail(Referrer, { where: { id: referrerId } });
    return this.db.manager.findOneOrFail(User, { where: { id: r.userId } });
  }
}
