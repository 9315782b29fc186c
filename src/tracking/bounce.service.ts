import { Inject, Injectable } from '@nestjs/common';
import { simpleParser } from 'mailparser';
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
   * message/delivery-status) or an ARF complaint (Feedback-Type: abuse), parsed with mailparser.
   * The returned original (message/rfc822 or text/rfc822-headers) carries our X-Handshake-Ref,
   * which says which recipient it is about. The recipient's Status decides: 5.x.x is a hard bounce,
   * 4.x.x (a delay, a full mailbox) a soft one, recorded but not suppressing.
   */
  async reportRaw(raw: string): Promise<BounceResultView> {
    const dsn = await parseBounce(raw);
    if (!dsn.ref) throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'The message carries no X-Handshake-Ref header of ours');
    if (dsn.complaint) return this.report({ ref: dsn.ref, kind: 'complaint', diagnostic: 'ARF abuse report' });
    const status = dsn.status ?? (dsn.action === 'delayed' ? '4.0.0' : '5.0.0');
    return this.report({ ref: dsn.ref, kind: 'bounce', status, diagnostic: dsn.diagnostic });
  }

  async report(dto: BounceReportDto): Promise<BounceResultView> {
    const sendId = parseSendId(verifyToken(this.config.trackingSecret, 'b', dto.ref));
    if (!sendId || sendId === '0') throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'Unknown message reference');
    return this.db.transaction(async (m) => {
      const [send] = await m.query(`SELECT id, campaign_id, email, sent_at FROM campaign_sends WHERE id = $1`, [sendId]);
      if (!send) throw new TrackingException(TrackingErrorCode.TRACKING_LINK_INVALID, 'Unknown message reference');
      // Only a 5.x.x status is permanent; 4.x.x is transient and 2.x.x is no failure at all.
      const permanent = dto.kind === 'bounce' && (dto.status ?? '5.0.0').startsWith('5');
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

export interface ParsedBounce {
  ref?: string;
  complaint: boolean;
  /** The failed (or delayed) recipient's Status, e.g. 5.1.1; absent when the message has none. */
  status?: string;
  action?: string;
  finalRecipient?: string;
  diagnostic?: string;
}

const ORIGINAL_PARTS = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];
const STATUS_PARTS = ['message/delivery-status', 'message/global-delivery-status'];
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** Header fields of one block (RFC 822 syntax, as the delivery-status part is written), by mailparser. */
async function fieldBlocks(text: string): Promise<Map<string, string>[]> {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/).filter((b) => b.trim() !== '');
  const parsed = await Promise.all(blocks.map((b) => simpleParser(`${b.trim()}\r\n\r\n`, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })));
  return parsed.map((m) => new Map([...m.headers].map(([k, v]) => [k, typeof v === 'string' ? v.trim() : String((v as { value?: unknown })?.value ?? v)])));
}

/** Reads a DSN or ARF report: the reference of our original message, and the recipient's outcome. */
export async function parseBounce(raw: string): Promise<ParsedBounce> {
  // keepDeliveryStatus: the status part stays a part of its own instead of being merged into the text.
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepDeliveryStatus: true } as Parameters<typeof simpleParser>[1]);
  const parts = mail.attachments ?? [];
  let ref: string | undefined;
  for (const part of parts.filter((a) => ORIGINAL_PARTS.includes(a.contentType))) {
    const original = await simpleParser(part.content, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const header = original.headers.get('x-handshake-ref');
    if (typeof header === 'string' && header.trim()) {
      ref = header.trim().split(/\s+/)[0];
      break;
    }
  }
  // Some MTAs quote the original headers in the text of the report instead of a part of their own.
  ref ??= /^X-Handshake-Ref:\s*(\S+)/im.exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1];

  const feedback = parts.find((a) => a.contentType === 'message/feedback-report');
  if (feedback) {
    const [fields] = await fieldBlocks(feedback.content.toString('utf8'));
    return { ref, complaint: /^abuse$/i.test(fields?.get('feedback-type') ?? '') };
  }
  const statusPart = parts.find((a) => STATUS_PARTS.includes(a.contentType));
  if (!statusPart) {
    // Not a DSN (an old-style bounce in plain text): the best the text says.
    const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(raw)?.[1];
    return { ref, complaint: /^Feedback-Type:\s*abuse/im.test(raw), status, diagnostic: /^Diagnostic-Code:\s*(.+)$/im.exec(raw)?.[1]?.trim().slice(0, 1000) };
  }
  // The first block is about the message (Reporting-MTA); each further one about a recipient.
  const [, ...recipients] = await fieldBlocks(statusPart.content.toString('utf8'));
  const statusOf = (r: Map<string, string>) => /^([245]\.\d{1,3}\.\d{1,3})/.exec(r.get('status') ?? '')?.[1];
  const pick =
    recipients.find((r) => /^failed/i.test(r.get('action') ?? '') && statusOf(r)) ??
    recipients.find((r) => /^delayed/i.test(r.get('action') ?? '')) ??
    recipients.find((r) => statusOf(r)) ??
    recipients[0];
  if (!pick) return { ref, complaint: false };
  const status = statusOf(pick);
  return {
    ref,
    complaint: false,
    status: status && STATUS.test(status) ? status : undefined,
    action: pick.get('action')?.toLowerCase(),
    finalRecipient: pick.get('final-recipient')?.replace(/^[^;]*;\s*/, ''),
    diagnostic: (pick.get('diagnostic-code') ?? '').replace(/\s+/g, ' ').trim().slice(0, 1000) || undefined,
  };
}
