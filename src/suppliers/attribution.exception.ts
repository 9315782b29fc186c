import { DomainException, unreachable } from '../common/errors/domain.exception';
import { Locale, translate } from '../i18n/messages';
import './suppliers.messages';

export enum AttributionErrorCode {
  ATTRIBUTION_SUPPLIER_NOT_FOUND = 'ATTRIBUTION_SUPPLIER_NOT_FOUND',
  ATTRIBUTION_NONE = 'ATTRIBUTION_NONE',
  ATTRIBUTION_REFERRER_NOT_FOUND = 'ATTRIBUTION_REFERRER_NOT_FOUND',
  ATTRIBUTION_UNCHANGED = 'ATTRIBUTION_UNCHANGED',
  ATTRIBUTION_SELF_REFERRAL = 'ATTRIBUTION_SELF_REFERRAL',
  ATTRIBUTION_REASON_REQUIRED = 'ATTRIBUTION_REASON_REQUIRED',
  ATTRIBUTION_TARGET_REQUIRED = 'ATTRIBUTION_TARGET_REQUIRED',
}

/** Refusals of an admin's attribution change; the message is in the caller's language (ru/en catalogs). */
export class AttributionException extends DomainException<AttributionErrorCode> {
  constructor(code: AttributionErrorCode, locale: Locale = 'en', details?: Record<string, unknown>) {
    super(code, translate(locale, `attribution.error.${code}`, details ?? {}), details);
  }

  get httpStatus(): number {
    switch (this.code) {
      case AttributionErrorCode.ATTRIBUTION_SUPPLIER_NOT_FOUND:
      case AttributionErrorCode.ATTRIBUTION_REFERRER_NOT_FOUND:
        return 404;
      case AttributionErrorCode.ATTRIBUTION_NONE:
      case AttributionErrorCode.ATTRIBUTION_UNCHANGED:
        return 409;
      case AttributionErrorCode.ATTRIBUTION_SELF_REFERRAL:
      case AttributionErrorCode.ATTRIBUTION_REASON_REQUIRED:
        return 422;
      case AttributionErrorCode.ATTRIBUTION_TARGET_REQUIRED:
        return 400;
      default:
        return unreachable(this.code);
    }
  }
}
