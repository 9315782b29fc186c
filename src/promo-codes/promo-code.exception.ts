import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum PromoCodeErrorCode {
  PROMO_CODE_MALFORMED = 'PROMO_CODE_MALFORMED',
  PROMO_CODE_NOT_FOUND = 'PROMO_CODE_NOT_FOUND',
  PROMO_CODE_PAUSED = 'PROMO_CODE_PAUSED',
  PROMO_CODE_REVOKED = 'PROMO_CODE_REVOKED',
}

export class PromoCodeException extends DomainException<PromoCodeErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case PromoCodeErrorCode.PROMO_CODE_MALFORMED:
        return 400;
      case PromoCodeErrorCode.PROMO_CODE_NOT_FOUND:
        return 404;
      case PromoCodeErrorCode.PROMO_CODE_PAUSED:
        return 409;
      case PromoCodeErrorCode.PROMO_CODE_REVOKED:
        return 410;
      default:
        return unreachable(this.code);
    }
  }
}
