import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum AuthErrorCode {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  CROSS_SITE_REQUEST = 'CROSS_SITE_REQUEST',
}

export class AuthException extends DomainException<AuthErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case AuthErrorCode.EMAIL_TAKEN:
        return 409;
      case AuthErrorCode.WEAK_PASSWORD:
        return 400;
      case AuthErrorCode.INVALID_CREDENTIALS:
        return 401;
      case AuthErrorCode.CROSS_SITE_REQUEST:
        return 403;
      default:
        return unreachable(this.code);
    }
  }
}
