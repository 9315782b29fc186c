import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { dayText, todayIn } from '../common/zoned-dates';
import { DEFAULT_TIME_ZONE } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { isWellFormedCode, normalizeCode } from '../promo-codes/code-format';
import { classifyClick } from '../tracking/machine-detection';

/** First-party cookie naming a visitor of referral links (a keyed hash, never an address). */
export const VISITOR_COOKIE = 'hs_vid';
export const VISITOR_COOKIE_MS = 365 * 24 * 3600 * 1000;
const VISITOR_ID = /^[0-9a-f]{32}$/;

export interface LinkVisitor {
  /** The visitor cookie as the browser sent it (absent on a first visit or from clients without cookies). */
  cookie?: string;
  ip: string;
  userAgent?: string;
  method: string;
}

/**
 * Counts a visit of /join?ref=CODE: once per visitor, code and day, people and machines apart
 * (the link-scanner rules of tracked email: isbot's list, HEAD requests, Apple's proxy network).
 * This is the one write a GET makes on purpose; it is a single INSERT … ON CONFLICT DO NOTHING and
 * never fails the page (a failure is logged and the visit is lost).
 */
@Injectable()
export class LinkVisitCounter {
  private readonly logger = new Logger('LinkVisits');

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly program: ProgramService,
  ) {}

  /**
   * The visitor's id: the cookie when it is one of ours, else a keyed hash of address and user
   * agent (so a first visit and the next one, once the cookie is set, are the same visitor).
   */
  visitorId(v: LinkVisitor): string {
    if (v.cookie && VISITOR_ID.test(v.cookie)) return v.cookie;
    return this.hmac(`visitor|${v.ip}|${v.userAgent ?? ''}`).slice(0, 32);
  }

  /** Records the visit (active codes only; unknown, paused and revoked codes are not counted). Returns whether a new visitor-day was counted. */
  async record(ref: string, v: LinkVisitor, now = new Date()): Promise<boolean> {
    const code = normalizeCode(ref);
    if (!isWellFormedCode(code)) return false;
    // A visitor-day is the program's calendar day (the zone is read through ProgramService's cache).
    const day = dayText(todayIn(await this.program.timeZone().catch(() => DEFAULT_TIME_ZONE), now));
    const hash = this.hmac(`day|${day}|${code}|${this.visitorId(v)}`).slice(0, 32);
    const bot = classifyClick(v.userAgent, v.ip, v.method, null).machine;
    try {
      const rows: unknown[] = await this.db.query(
        `INSERT INTO link_visits (promo_code_id, day, visitor_hash, bot)
         SELECT id, $2::date, $3, $4 FROM promo_codes WHERE code = $1 AND status = 'active'
         ON CONFLICT DO NOTHING RETURNING 1`,
        [code, day, hash, bot],
      );
      return rows.length > 0;
    } catch (err) {
      this.logger.warn({ err }, 'could not count a referral link visit; the page is served anyway');
      return false;
    }
  }

  private hmac(text: string): string {
    return createHmac('sha256', this.config.trackingSecret).update(`link-visits|${text}`).digest('hex');
  }
}
