import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum EmailVerificationErrorCode {
  VERIFICATION_LINK_INVALID = 'VERIFICATION_LINK_INVALID',
}

export class EmailVerificationException extends DomainException<EmailVerificationErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case EmailVerificationErrorCode.VERIFICATION_LINK_INVALID:
        return 400;
      default:
        return unreachable(this.code);
    }
  }
}
