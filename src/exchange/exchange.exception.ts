import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum ExchangeErrorCode {
  RULES_NOT_ACCEPTED = 'RULES_NOT_ACCEPTED',
  RULES_VERSION_STALE = 'RULES_VERSION_STALE',
  RULES_TEXT_UNCHANGED = 'RULES_TEXT_UNCHANGED',
  NOT_A_MEMBER = 'NOT_A_MEMBER',
  MEMBER_NOT_ADMITTED = 'MEMBER_NOT_ADMITTED',
  MEMBER_NOT_FOUND = 'MEMBER_NOT_FOUND',
  MEMBER_ALREADY_DECIDED = 'MEMBER_ALREADY_DECIDED',
  MEMBER_STATUS_CHANGE_REFUSED = 'MEMBER_STATUS_CHANGE_REFUSED',
  LEAD_NOT_ACCEPTED = 'LEAD_NOT_ACCEPTED',
  HANDOFF_ALREADY_WRITTEN = 'HANDOFF_ALREADY_WRITTEN',
  UNKNOWN_TAG = 'UNKNOWN_TAG',
  TAG_EXISTS = 'TAG_EXISTS',
  SCORING_RULES_INVALID = 'SCORING_RULES_INVALID',
  BUDGET_NEGATIVE = 'BUDGET_NEGATIVE',
  AMOUNT_MALFORMED = 'AMOUNT_MALFORMED',
  LEAD_INVALID = 'LEAD_INVALID',
  DUPLICATE_LEAD = 'DUPLICATE_LEAD',
  LEAD_NOT_FOUND = 'LEAD_NOT_FOUND',
  LEAD_NOT_VISIBLE = 'LEAD_NOT_VISIBLE',
  NO_OPEN_OFFER = 'NO_OPEN_OFFER',
  OFFER_EXPIRED = 'OFFER_EXPIRED',
  STATUS_OUT_OF_ORDER = 'STATUS_OUT_OF_ORDER',
  WON_VALUE_REQUIRED = 'WON_VALUE_REQUIRED',
  LOST_REASON_REQUIRED = 'LOST_REASON_REQUIRED',
  CSV_INVALID = 'CSV_INVALID',
  NOT_NURTURE = 'NOT_NURTURE',
  CONTACT_EMAIL_MISSING = 'CONTACT_EMAIL_MISSING',
}

export class ExchangeException extends DomainException<ExchangeErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ExchangeErrorCode.BUDGET_NEGATIVE:
      case ExchangeErrorCode.AMOUNT_MALFORMED:
      case ExchangeErrorCode.CSV_INVALID:
        return 400;
      case ExchangeErrorCode.NOT_A_MEMBER:
      case ExchangeErrorCode.MEMBER_NOT_ADMITTED:
      case ExchangeErrorCode.LEAD_NOT_VISIBLE:
        return 403;
      case ExchangeErrorCode.MEMBER_NOT_FOUND:
      case ExchangeErrorCode.LEAD_NOT_FOUND:
        return 404;
      case ExchangeErrorCode.RULES_VERSION_STALE:
      case ExchangeErrorCode.RULES_TEXT_UNCHANGED:
      case ExchangeErrorCode.MEMBER_ALREADY_DECIDED:
      case ExchangeErrorCode.MEMBER_STATUS_CHANGE_REFUSED:
      case ExchangeErrorCode.LEAD_NOT_ACCEPTED:
      case ExchangeErrorCode.HANDOFF_ALREADY_WRITTEN:
      case ExchangeErrorCode.TAG_EXISTS:
      case ExchangeErrorCode.DUPLICATE_LEAD:
      case ExchangeErrorCode.NO_OPEN_OFFER:
      case ExchangeErrorCode.OFFER_EXPIRED:
      case ExchangeErrorCode.STATUS_OUT_OF_ORDER:
      case ExchangeErrorCode.NOT_NURTURE:
        return 409;
      case ExchangeErrorCode.RULES_NOT_ACCEPTED:
      case ExchangeErrorCode.UNKNOWN_TAG:
      case ExchangeErrorCode.SCORING_RULES_INVALID:
      case ExchangeErrorCode.LEAD_INVALID:
      case ExchangeErrorCode.WON_VALUE_REQUIRED:
      case ExchangeErrorCode.LOST_REASON_REQUIRED:
      case ExchangeErrorCode.CONTACT_EMAIL_MISSING:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}

/** Parses a money amount given as a decimal string of minor units. */
export function parseMinor(value: string, field: string): bigint {
  if (!/^-?\d{1,18}$/.test(value)) throw new ExchangeException(ExchangeErrorCode.AMOUNT_MALFORMED, `${field} must be an integer amount in minor units`, { field });
  const n = BigInt(value);
  if (n < 0n) throw new ExchangeException(ExchangeErrorCode.BUDGET_NEGATIVE, `${field} must not be below zero`, { field });
  return n;
}
