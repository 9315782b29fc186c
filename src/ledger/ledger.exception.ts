import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum LedgerErrorCode {
  /** Malformed request: missing idempotency key, cause, description, bad metadata... */
  LEDGER_INVALID_REQUEST = 'LEDGER_INVALID_REQUEST',
  /** Fewer than two lines, a zero or non-bigint amount, an unknown account kind, a bad owner or currency. */
  LEDGER_INVALID_LINES = 'LEDGER_INVALID_LINES',
  /** The lines do not sum to zero in some currency. */
  LEDGER_UNBALANCED = 'LEDGER_UNBALANCED',
  /** A non-clawback posting would take an owner account below zero. */
  LEDGER_NEGATIVE_BALANCE = 'LEDGER_NEGATIVE_BALANCE',
  /** The idempotency key already posted different lines. */
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
}

export class LedgerException extends DomainException<LedgerErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case LedgerErrorCode.LEDGER_INVALID_REQUEST:
      case LedgerErrorCode.LEDGER_INVALID_LINES:
      case LedgerErrorCode.LEDGER_UNBALANCED:
        return 422;
      case LedgerErrorCode.LEDGER_NEGATIVE_BALANCE:
      case LedgerErrorCode.IDEMPOTENCY_CONFLICT:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
