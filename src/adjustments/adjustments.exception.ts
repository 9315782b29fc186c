import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum AdjustmentErrorCode {
  ADJUSTMENT_REASON_REQUIRED = 'ADJUSTMENT_REASON_REQUIRED',
  REFERRER_NOT_FOUND = 'REFERRER_NOT_FOUND',
  ADJUSTMENT_KEY_REUSED = 'ADJUSTMENT_KEY_REUSED',
}

export class AdjustmentException extends DomainException<AdjustmentErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case AdjustmentErrorCode.ADJUSTMENT_REASON_REQUIRED:
        return 422;
      case AdjustmentErrorCode.REFERRER_NOT_FOUND:
        return 404;
      case AdjustmentErrorCode.ADJUSTMENT_KEY_REUSED:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
