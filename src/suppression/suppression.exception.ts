import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum SuppressionErrorCode {
  UNSUBSCRIBE_LINK_INVALID = 'UNSUBSCRIBE_LINK_INVALID',
  SUPPRESSION_NOT_FOUND = 'SUPPRESSION_NOT_FOUND',
  SUPPRESSION_REMOVAL_REASON_REQUIRED = 'SUPPRESSION_REMOVAL_REASON_REQUIRED',
}

export class SuppressionException extends DomainException<SuppressionErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SuppressionErrorCode.UNSUBSCRIBE_LINK_INVALID:
      case SuppressionErrorCode.SUPPRESSION_NOT_FOUND:
        return 404;
      case SuppressionErrorCode.SUPPRESSION_REMOVAL_REASON_REQUIRED:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}
