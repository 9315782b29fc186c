import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum AuthErrorCode {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  CURRENT_PASSWORD_WRONG = 'CURRENT_PASSWORD_WRONG',
  CANNOT_DISABLE_SELF = 'CANNOT_DISABLE_SELF',
  ACCOUNT_NOT_FOUND = 'ACCOUNT_NOT_FOUND',
  RESET_TOKEN_INVALID = 'RESET_TOKEN_INVALID',
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
      case AuthErrorCode.ACCOUNT_DISABLED:
        return 403;
      case AuthErrorCode.CURRENT_PASSWORD_WRONG:
      case AuthErrorCode.RESET_TOKEN_INVALID:
        return 400;
      case AuthErrorCode.CANNOT_DISABLE_SELF:
        return 409;
      case AuthErrorCode.ACCOUNT_NOT_FOUND:
        return 404;

      default:
        return unreachable(this.code);
    }
  }
}
