import { DomainException, unreachable } from './domain.exception';

export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_JSON = 'MALFORMED_JSON',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  RATE_LIMITED = 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  CONFLICT = 'CONFLICT',
  INTERNAL = 'INTERNAL',
}

export class CommonException extends DomainException<CommonErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CommonErrorCode.VALIDATION_FAILED:
      case CommonErrorCode.MALFORMED_JSON:
        return 400;
      case CommonErrorCode.UNAUTHENTICATED:
      case CommonErrorCode.INVALID_CREDENTIALS:
        return 401;
      case CommonErrorCode.FORBIDDEN:
        return 403;
      case CommonErrorCode.NOT_FOUND:
        return 404;
      case CommonErrorCode.CONFLICT:
        return 409;
      case CommonErrorCode.PAYLOAD_TOO_LARGE:
        return 413;
      case CommonErrorCode.RATE_LIMITED:
        return 429;
      case CommonErrorCode.INTERNAL:
        return 500;
      default:
        return unreachable(this.code);
    }
  }
}
