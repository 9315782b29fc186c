import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum ReferrerErrorCode {
  OFFER_NOT_ACCEPTED = 'OFFER_NOT_ACCEPTED',
  OFFER_VERSION_STALE = 'OFFER_VERSION_STALE',
  REFERRER_NOT_FOUND = 'REFERRER_NOT_FOUND',
  TAX_ID_MALFORMED = 'TAX_ID_MALFORMED',
}

export class ReferrerException extends DomainException<ReferrerErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ReferrerErrorCode.OFFER_NOT_ACCEPTED:
        return 422;
      case ReferrerErrorCode.OFFER_VERSION_STALE:
        return 409;
      case ReferrerErrorCode.REFERRER_NOT_FOUND:
        return 404;
      case ReferrerErrorCode.TAX_ID_MALFORMED:
        return 400;
      default:
        return unreachable(this.code);
    }
  }
}
