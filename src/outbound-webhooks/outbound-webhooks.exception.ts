import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum WebhookErrorCode {
  WEBHOOK_URL_INVALID = 'WEBHOOK_URL_INVALID',
  WEBHOOK_EVENT_TYPES_INVALID = 'WEBHOOK_EVENT_TYPES_INVALID',
  WEBHOOK_ENDPOINT_NOT_FOUND = 'WEBHOOK_ENDPOINT_NOT_FOUND',
  WEBHOOK_DELIVERY_NOT_FOUND = 'WEBHOOK_DELIVERY_NOT_FOUND',
}

export class WebhookException extends DomainException<WebhookErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case WebhookErrorCode.WEBHOOK_URL_INVALID:
      case WebhookErrorCode.WEBHOOK_EVENT_TYPES_INVALID:
        return 422;
      case WebhookErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND:
      case WebhookErrorCode.WEBHOOK_DELIVERY_NOT_FOUND:
        return 404;
      default:
        return unreachable(this.code);
    }
  }
}
