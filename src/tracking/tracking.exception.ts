import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum TrackingErrorCode {
  TRACKING_LINK_INVALID = 'TRACKING_LINK_INVALID',
  /** The database could not record an open or click: answered 503 so the client may retry. */
  TRACKING_UNAVAILABLE = 'TRACKING_UNAVAILABLE',
}

export class TrackingException extends DomainException<TrackingErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case TrackingErrorCode.TRACKING_LINK_INVALID:
        return 404;
      case TrackingErrorCode.TRACKING_UNAVAILABLE:
        return 503;
      default:
        return unreachable(this.code);
    }
  }
}
