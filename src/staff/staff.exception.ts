import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum StaffErrorCode {
  STAFF_NOT_FOUND = 'STAFF_NOT_FOUND',
  STAFF_EMAIL_TAKEN = 'STAFF_EMAIL_TAKEN',
  CANNOT_CHANGE_OWN_ROLE = 'CANNOT_CHANGE_OWN_ROLE',
  CANNOT_DISABLE_SELF = 'CANNOT_DISABLE_SELF',
  LAST_ADMIN = 'LAST_ADMIN',
  INVITE_INVALID = 'INVITE_INVALID',
}

export class StaffException extends DomainException<StaffErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case StaffErrorCode.STAFF_NOT_FOUND:
        return 404;
      case StaffErrorCode.STAFF_EMAIL_TAKEN:
      case StaffErrorCode.CANNOT_CHANGE_OWN_ROLE:
      case StaffErrorCode.CANNOT_DISABLE_SELF:
      case StaffErrorCode.LAST_ADMIN:
        return 409;
      case StaffErrorCode.INVITE_INVALID:
        return 400;
      default:
        return unreachable(this.code);
    }
  }
}
