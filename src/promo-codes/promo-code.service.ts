import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../auth/auth.service';
import { retry } from '../common/retry/retry';
import { APP_CONFIG, AppConfig } from '../config/config';
import { formatBasisPoints } from '../money/money';
import { SplitService } from '../splits/split.service';
import { generateCode, isWellFormedCode, normalizeCode } from './code-format';
import { PromoCodeQuoteView, PromoCodeView } from './promo-code.dto';
import { PromoCode, PromoCodeStatus } from './promo-code.entity';
import { PromoCodeErrorCode, PromoCodeException } from './promo-code.exception';

/** The random code is someone's already: draw another. */
class CodeTaken extends Error {}

@Injectable()
export class PromoCodeService {
  constructor(
    private readonly db: DataSource,
    private readonly splits: SplitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  referralLink(code: string): string {
    return `${this.config.publicBaseUrl}/join?ref=${code}`;
  }

  view(p: PromoCode): PromoCodeView {
    return { code: p.code, status: p.status, referralLink: this.referralLink(p.code), createdAt: p.createdAt };
  }

  /** Issues a fresh random code inside the caller's transaction (retrying the rare collision). */
  async issue(m: EntityManager, referrerId: string): Promise<PromoCode> {
    try {
      return await retry(
        async () => {
          const code = generateCode();
          if (await m.exists(PromoCode, { where: { code } })) throw new CodeTaken();
          return await m.save(m.create(PromoCode, { referrerId, code, status: PromoCodeStatus.Active }));
        },
        { attempts: 5, retryIf: (err) => err instanceof CodeTaken || isUniqueViolation(err) },
      );
    } catch (err) {
      if (err instanceof CodeTaken || isUniqueViolation(err)) throw new Error('Could not issue a unique promo code after 5 attempts', { cause: err });
      throw err;
    }
  }

  async forReferrer(referrerId: string, m: EntityManager = this.db.manager): Promise<PromoCode> {
    return m.findOneOrFail(PromoCode, { where: { referrerId }, order: { createdAt: 'ASC' } });
  }

  /** Looks a code up and insists that it can be redeemed now. */
  async findRedeemable(input: string, m: EntityManager = this.db.manager): Promise<PromoCode> {
    const code = normalizeCode(input);
    if (!isWellFormedCode(code)) {
      throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_MALFORMED, 'A promo code is 8–16 letters and digits (no 0, O, 1, I or L)', { code: input });
    }
    const found = await m.findOne(PromoCode, { where: { code } });
    if (!found) throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_NOT_FOUND, `No promo code ${code}`, { code });
    if (found.status === PromoCodeStatus.Paused) throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_PAUSED, `Promo code ${code} is paused by its owner`, { code });
    if (found.status === PromoCodeStatus.Revoked) throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_REVOKED, `Promo code ${code} has been revoked`, { code });
    return found;
  }

  /** What a supplier would get from the code right now. */
  async quote(input: string): Promise<PromoCodeQuoteView> {
    const promo = await this.findRedeemable(input);
    const split = await this.splits.current(promo.referrerId);
    return { code: promo.code, discountBp: split.discountBp, discountPercent: formatBasisPoints(split.discountBp) };
  }

  /** Owner pauses or resumes; a revoked code stays revoked. */
  async setPaused(referrerId: string, paused: boolean): Promise<PromoCodeView> {
    return this.db.transaction(async (m) => {
      const promo = await m.findOneOrFail(PromoCode, { where: { referrerId }, order: { createdAt: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      if (promo.status === PromoCodeStatus.Revoked) {
        throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_REVOKED, `Promo code ${promo.code} has been revoked and cannot be resumed`, { code: promo.code });
      }
      const next = paused ? PromoCodeStatus.Paused : PromoCodeStatus.Active;
      if (promo.status !== next) {
        promo.status = next;
        promo.statusChangedAt = new Date();
        await m.save(promo);
      }
      return this.view(promo);
    });
  }

  async revoke(input: string): Promise<PromoCodeView> {
    const code = normalizeCode(input);
    if (!isWellFormedCode(code)) throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_MALFORMED, 'Malformed promo code', { code: input });
    return this.db.transaction(async (m) => {
      const promo = await m.findOne(PromoCode, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!promo) throw new PromoCodeException(PromoCodeErrorCode.PROMO_CODE_NOT_FOUND, `No promo code ${code}`, { code });
      if (promo.status !== PromoCodeStatus.Revoked) {
        promo.status = PromoCodeStatus.Revoked;
        promo.statusChangedAt = new Date();
        await m.save(promo);
      }
      return this.view(promo);
    });
  }
}
