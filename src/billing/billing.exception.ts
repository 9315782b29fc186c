import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum BillingErrorCode {
  BILLING_PRICE_NOT_CONFIGURED = 'BILLING_PRICE_NOT_CONFIGURED',
  BILLING_STRIPE_FAILED = 'BILLING_STRIPE_FAILED',
}

export class BillingException extends DomainException<BillingErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case BillingErrorCode.BILLING_PRICE_NOT_CONFIGURED:
        return 503;
      case BillingErrorCode.BILLING_STRIPE_FAILED:
        return 502;
      default:
        return unreachable(this.code);
    }
  }
}
