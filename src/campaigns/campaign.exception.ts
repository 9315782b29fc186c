import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum CampaignErrorCode {
  CAMPAIGN_NOT_FOUND = 'CAMPAIGN_NOT_FOUND',
  CAMPAIGN_AUDIENCE_NOT_FOUND = 'CAMPAIGN_AUDIENCE_NOT_FOUND',
  CAMPAIGN_NO_RECIPIENTS = 'CAMPAIGN_NO_RECIPIENTS',
  CAMPAIGN_STATE_CONFLICT = 'CAMPAIGN_STATE_CONFLICT',
  CAMPAIGN_SCHEDULE_INVALID = 'CAMPAIGN_SCHEDULE_INVALID',
  SCHEDULE_IN_PAST = 'SCHEDULE_IN_PAST',
  CAMPAIGN_TEST_SEND_FAILED = 'CAMPAIGN_TEST_SEND_FAILED',
}

export class CampaignException extends DomainException<CampaignErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CampaignErrorCode.CAMPAIGN_NOT_FOUND:
        return 404;
      case CampaignErrorCode.CAMPAIGN_AUDIENCE_NOT_FOUND:
      case CampaignErrorCode.CAMPAIGN_NO_RECIPIENTS:
      case CampaignErrorCode.CAMPAIGN_SCHEDULE_INVALID:
      case CampaignErrorCode.SCHEDULE_IN_PAST:
        return 422;
      case CampaignErrorCode.CAMPAIGN_STATE_CONFLICT:
        return 409;
      case CampaignErrorCode.CAMPAIGN_TEST_SEND_FAILED:
        return 502;
      default:
        return unreachable(this.code);
    }
  }
}
