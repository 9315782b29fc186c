import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum PayoutDetailsErrorCode {
  BANK_DETAILS_MALFORMED = 'BANK_DETAILS_MALFORMED',
  PAYOUT_DETAILS_NOT_FOUND = 'PAYOUT_DETAILS_NOT_FOUND',
  CONNECT_ACCOUNT_FAILED = 'CONNECT_ACCOUNT_FAILED',
}

export class PayoutDetailsException extends DomainException<PayoutDetailsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case PayoutDetailsErrorCode.BANK_DETAILS_MALFORMED:
        return 400;
      case PayoutDetailsErrorCode.PAYOUT_DETAILS_NOT_FOUND:
        return 404;
      case PayoutDetailsErrorCode.CONNECT_ACCOUNT_FAILED:
        return 502;
      default:
        return unreachable(this.code);
    }
  }
}
