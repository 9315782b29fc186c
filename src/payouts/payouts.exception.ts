import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum PayoutErrorCode {
  BATCH_NOT_FOUND = 'BATCH_NOT_FOUND',
  ITEM_NOT_FOUND = 'ITEM_NOT_FOUND',
  NOTHING_TO_PAY = 'NOTHING_TO_PAY',
  REFERRER_NOT_ELIGIBLE = 'REFERRER_NOT_ELIGIBLE',
  AMOUNT_EXCEEDS_AVAILABLE = 'AMOUNT_EXCEEDS_AVAILABLE',
  AMOUNT_BELOW_MINIMUM = 'AMOUNT_BELOW_MINIMUM',
  CANNOT_APPROVE_OWN_BATCH = 'CANNOT_APPROVE_OWN_BATCH',
  BATCH_CANCELLED = 'BATCH_CANCELLED',
  BATCH_NOT_APPROVED = 'BATCH_NOT_APPROVED',
  BATCH_ALREADY_APPROVED = 'BATCH_ALREADY_APPROVED',
  BATCH_ALREADY_EXECUTED = 'BATCH_ALREADY_EXECUTED',
  BATCH_EXECUTION_IN_PROGRESS = 'BATCH_EXECUTION_IN_PROGRESS',
  BATCH_NOT_CANCELLABLE = 'BATCH_NOT_CANCELLABLE',
  ITEM_NOT_BANK_TRANSFER = 'ITEM_NOT_BANK_TRANSFER',
  ITEM_ALREADY_RESOLVED = 'ITEM_ALREADY_RESOLVED',
  FAILURE_REASON_REQUIRED = 'FAILURE_REASON_REQUIRED',
  NO_BANK_TRANSFERS_TO_EXPORT = 'NO_BANK_TRANSFERS_TO_EXPORT',
}

export class PayoutException extends DomainException<PayoutErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case PayoutErrorCode.BATCH_NOT_FOUND:
      case PayoutErrorCode.ITEM_NOT_FOUND:
        return 404;
      case PayoutErrorCode.CANNOT_APPROVE_OWN_BATCH:
        return 403;
      case PayoutErrorCode.NOTHING_TO_PAY:
      case PayoutErrorCode.REFERRER_NOT_ELIGIBLE:
      case PayoutErrorCode.AMOUNT_EXCEEDS_AVAILABLE:
      case PayoutErrorCode.AMOUNT_BELOW_MINIMUM:
      case PayoutErrorCode.ITEM_NOT_BANK_TRANSFER:
      case PayoutErrorCode.FAILURE_REASON_REQUIRED:
      case PayoutErrorCode.NO_BANK_TRANSFERS_TO_EXPORT:
        return 422;
      case PayoutErrorCode.BATCH_CANCELLED:
      case PayoutErrorCode.BATCH_NOT_APPROVED:
      case PayoutErrorCode.BATCH_ALREADY_APPROVED:
      case PayoutErrorCode.BATCH_ALREADY_EXECUTED:
      case PayoutErrorCode.BATCH_EXECUTION_IN_PROGRESS:
      case PayoutErrorCode.BATCH_NOT_CANCELLABLE:
      case PayoutErrorCode.ITEM_ALREADY_RESOLVED:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
