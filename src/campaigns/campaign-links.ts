import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MessageLinks } from '../email-templates/email-template.service';
import { normalizeEmail } from '../suppression/suppression.service';
import { signClick, signToken, signUnsubscribe } from '../common/tracking-token';

/** Per-recipient signed links and headers; send id "0" marks a preview or test message. */
@Injectable()
export class CampaignLinks {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  forSend(sendId: string, email: string): MessageLinks {
    const base = this.config.publicBaseUrl;
    const secret = this.config.trackingSecret;
    return {
      registrationLink: `${base}/register?c=${signToken(secret, 'r', sendId)}`,
      unsubscribeLink: `${base}/unsubscribe/${signUnsubscribe(secret, sendId, normalizeEmail(email))}`,
      openPixelUrl: `${base}/t/o/${signToken(secret, 'o', sendId)}.gif`,
      trackClick: (url) => `${base}/t/c/${signClick(secret, sendId, url)}`,
    };
  }

  headers(sendId: string, links: MessageLinks): Record<string, string> {
    return {
      'List-Unsubscribe': `<${links.unsubscribeLink}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Handshake-Ref': signToken(this.config.trackingSecret, 'b', sendId),
    };
  }
}
