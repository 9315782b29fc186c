import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum BillingErrorCode {
  BILLING_PRICE_NOT_CONFIGURED = 'BILLING_PRICE_NOT_CONFIGURED',
  BILLING_STRIPE_FAILED = 'BILLING_STRIPE_FAILED',
  /** Billing management (the Stripe customer portal) before the supplier has a Stripe customer. */
  BILLING_NO_CUSTOMER = 'BILLING_NO_CUSTOMER',
}

export class BillingException extends DomainException<BillingErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case BillingErrorCode.BILLING_PRICE_NOT_CONFIGURED:
        return 503;
      case BillingErrorCode.BILLING_STRIPE_FAILED:
        return 502;
      case BillingErrorCode.BILLING_NO_CUSTOMER:
        return 409;
      default:
        return unreachable(this.code);
    }
  }
}
