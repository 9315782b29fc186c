import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum StripeWebhookErrorCode {
  WEBHOOK_SIGNATURE_INVALID = 'WEBHOOK_SIGNATURE_INVALID',
  WEBHOOK_EVENT_NOT_FOUND = 'WEBHOOK_EVENT_NOT_FOUND',
}

export class StripeWebhookException extends DomainException<StripeWebhookErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case StripeWebhookErrorCode.WEBHOOK_SIGNATURE_INVALID:
        return 400;
      case StripeWebhookErrorCode.WEBHOOK_EVENT_NOT_FOUND:
        return 404;
      default:
        return unreachable(this.code);
    }
  }
}

/**
 * A verified event whose payload lacks what its handler needs. Thrown by handlers; the inbox stores
 * the reason, marks the event failed and retries it (a later retry may succeed once, e.g., the
 * customer it names is known).
 */
export class MalformedStripeEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedStripeEvent';
  }
}
