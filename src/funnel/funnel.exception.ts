import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum FunnelErrorCode {
  FUNNEL_CAMPAIGN_NOT_FOUND = 'FUNNEL_CAMPAIGN_NOT_FOUND',
}

export class FunnelException extends DomainException<FunnelErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case FunnelErrorCode.FUNNEL_CAMPAIGN_NOT_FOUND:
        return 404;
      default:
        return unreachable(this.code);
    }
  }
}
