import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../common/sql-rows';
import { APP_CONFIG, AppConfig } from '../config/config';
import { bumpCounters } from '../funnel/funnel-counters';
import { SuppressionService } from '../suppression/suppression.service';
import { BounceReportDto, BounceResultView } from './tracking.dto';
import { TrackingErrorCode, TrackingException } from './tracking.exception';
import { parseSendId, verifyToken } from '../common/tracking-token';

/** Delayed bounces (DSN) and complaints arriving after the SMTP server had accepted a message. */
@Injectable()
export class BounceService {
  constructor(
    private readonly db: DataSource,
    private readonly suppression: SuppressionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A raw bounce message as an MTA forwards it: a DSN (RFC 3464, multipart/report with
   * message/delivery-status) or an ARF complaint (Feedback-Type: abuse). The returned original
   * headers carry our X-Handshake-Ref, which says which recipient it is about.
   */
  async reportRaw(raw: string): Promise<BounceResultView> {
    const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
    const ref = /^X-Handshake-Ref:\s*(\S+)/im.exec(unfolded)?.[1];
    if (!ref) throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'The message carries no X-Handshake-Ref header of ours');
    if (/^Feedback-Type:\s*abuse/im.test(unfolded)) return this.report({ ref, kind: 'complaint', diagnostic: 'ARF abuse report' });
    const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(unfolded)?.[1];
    const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(unfolded)?.[1]?.trim().slice(0, 1000);
    return this.report({ ref, kind: 'bounce', status: status ?? '5.0.0', diagnostic });
  }

  async report(dto: BounceReportDto): Promise<BounceResultView> {
    const sendId = parseSendId(verifyToken(this.config.trackingSecret, 'b', dto.ref));
    if (!sendId || sendId === '0') throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'Unknown message reference');
    return this.db.transaction(async (m) => {
      const [send] = await m.query(`SELECT id, campaign_id, email, sent_at FROM campaign_sends WHERE id = $1`, [sendId]);
      if (!send) throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'Unknown message reference');
      const permanent = dto.kind === 'bounce' && !(dto.status ?? '5.0.0').startsWith('4');
      let counted = false;
      let suppressed = false;
      if (dto.kind === 'complaint') {
        suppressed = true;
        await this.suppression.suppress(m, send.email, 'complaint', send.campaign_id, dto.diagnostic);
      } else if (permanent) {
        const rows = returnedRows(
          await m.query(`UPDATE campaign_sends SET status = 'bounced', bounced_at = now() WHERE id = $1 AND bounced_at IS NULL AND status IN ('sent','bounced') RETURNING id`, [sendId]),
        );
        counted = rows.length > 0;
        if (counted) await bumpCounters(m, send.campaign_id, { bounced: 1 });
        suppressed = true;
        await this.suppression.suppress(m, send.email, 'hard_bounce', send.campaign_id, `${dto.status ?? '5.0.0'} ${dto.diagnostic ?? ''}`.trim());
      }
      await m.query(
        `INSERT INTO tracking_events (send_id, campaign_id, kind, machine, reason, delay_ms) VALUES ($1, $2, $3, true, $4, $5)`,
        [sendId, send.campaign_id, dto.kind, `${dto.status ?? ''} ${dto.diagnostic ?? ''}`.trim().slice(0, 500) || null, send.sent_at ? Date.now() - new Date(send.sent_at).getTime() : null],
      );
      return { counted, suppressed };
    });
  }
}
