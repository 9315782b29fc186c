import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum ProgramErrorCode {
  PROGRAM_INVALID = 'PROGRAM_INVALID',
  PROGRAM_NAME_INVALID = 'PROGRAM_NAME_INVALID',
  UNKNOWN_CURRENCY = 'UNKNOWN_CURRENCY',
  PROGRAM_TIME_ZONE_INVALID = 'PROGRAM_TIME_ZONE_INVALID',
  OFFER_TEXT_UNCHANGED = 'OFFER_TEXT_UNCHANGED',
  BONUS_REQUIRED = 'BONUS_REQUIRED',
}

export class ProgramException extends DomainException<ProgramErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProgramErrorCode.PROGRAM_INVALID:
      case ProgramErrorCode.PROGRAM_NAME_INVALID:
      case ProgramErrorCode.UNKNOWN_CURRENCY:
      case ProgramErrorCode.PROGRAM_TIME_ZONE_INVALID:
      case ProgramErrorCode.BONUS_REQUIRED:
        return 400;
      case ProgramErrorCode.OFFER_TEXT_UNCHANGED:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
