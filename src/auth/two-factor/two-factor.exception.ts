import { DomainException, unreachable } from '../../common/errors/domain.exception';

export enum TwoFactorErrorCode {
  /** The account signs in with a second factor and no code was given. */
  TWO_FACTOR_REQUIRED = 'TWO_FACTOR_REQUIRED',
  /** The code (or recovery code) is wrong, expired or already used. */
  TWO_FACTOR_INVALID = 'TWO_FACTOR_INVALID',
  /** The step needs two-factor sign-in and the account has not set it up. */
  TWO_FACTOR_SETUP_REQUIRED = 'TWO_FACTOR_SETUP_REQUIRED',
  /** Confirming a set-up that was never started (or is already confirmed). */
  TWO_FACTOR_NOT_STARTED = 'TWO_FACTOR_NOT_STARTED',
  /** Finance and admin accounts must keep two-factor sign-in on. */
  TWO_FACTOR_CANNOT_DISABLE = 'TWO_FACTOR_CANNOT_DISABLE',
  /** The sign-in step of the login form expired (five minutes) or was tampered with. */
  TWO_FACTOR_CHALLENGE_EXPIRED = 'TWO_FACTOR_CHALLENGE_EXPIRED',
}

export class TwoFactorException extends DomainException<TwoFactorErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case TwoFactorErrorCode.TWO_FACTOR_REQUIRED:
      case TwoFactorErrorCode.TWO_FACTOR_INVALID:
      case TwoFactorErrorCode.TWO_FACTOR_CHALLENGE_EXPIRED:
        return 401;
      case TwoFactorErrorCode.TWO_FACTOR_SETUP_REQUIRED:
      case TwoFactorErrorCode.TWO_FACTOR_CANNOT_DISABLE:
        return 403;
      case TwoFactorErrorCode.TWO_FACTOR_NOT_STARTED:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
