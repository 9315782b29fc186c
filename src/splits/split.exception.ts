import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum SplitErrorCode {
  SPLIT_OUT_OF_BOUNDS = 'SPLIT_OUT_OF_BOUNDS',
}

export class SplitException extends DomainException<SplitErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SplitErrorCode.SPLIT_OUT_OF_BOUNDS:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}
