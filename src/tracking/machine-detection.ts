import { createIsbotFromList, list } from 'isbot';

/**
 * Telling people from machines. Apple Mail Privacy Protection fetches every image from Apple's
 * network (17.0.0.0/8) with a bare "Mozilla/5.0" agent, so such opens say nothing about a reader;
 * mail security gateways follow every link within seconds of delivery. Both are recorded with the
 * reason and reported apart from human figures. Those two rules (address, timing) are ours; which
 * user agents are bots, crawlers, scanners and HTTP libraries is isbot's list, kept up to date by
 * its maintainers.
 */

/**
 * Image proxies of webmail that fetch images when the reader opens the message (Gmail, Yahoo):
 * isbot lists them as bots, but for an open they stand for a person.
 */
const OPEN_ON_READ_PROXY = /GoogleImageProxy|YahooMailProxy/i;

/**
 * Mail security gateways that follow links in delivered mail and often name only their vendor
 * (isbot's list is about web crawlers and knows few of them), added to isbot's patterns.
 */
const MAIL_SECURITY_GATEWAYS = ['barracuda', 'mimecast', 'proofpoint', 'safelinks', 'symantec', 'forcepoint', 'trend ?micro', 'ironport', 'fortiguard', 'sophos', 'check ?point', 'zscaler'];

const isbot = createIsbotFromList([...list, ...MAIL_SECURITY_GATEWAYS]);

/** A bot, crawler, link scanner, mail security gateway or HTTP library. */
export function isScannerAgent(userAgent: string): boolean {
  return isbot(userAgent);
}

/** Clicks sooner than this after the message was accepted are treated as a scanner's. */
export const CLICK_TOO_FAST_MS = 10_000;

export interface Verdict {
  machine: boolean;
  reason: string | null;
}

const HUMAN: Verdict = { machine: false, reason: null };

export function isApplePrivacyProxyAddress(ip: string | undefined): boolean {
  const v4 = (ip ?? '').replace(/^::ffff:/, '');
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function classifyOpen(userAgent: string | undefined, ip: string | undefined, method: string): Verdict {
  const ua = (userAgent ?? '').trim();
  if (method === 'HEAD') return { machine: true, reason: 'head-request' };
  if (isApplePrivacyProxyAddress(ip)) return { machine: true, reason: 'apple-privacy-proxy' };
  if (ua === '' || ua === 'Mozilla/5.0') return { machine: true, reason: 'privacy-proxy-agent' };
  if (OPEN_ON_READ_PROXY.test(ua)) return HUMAN;
  if (isScannerAgent(ua)) return { machine: true, reason: 'scanner-agent' };
  return HUMAN;
}

export function classifyClick(userAgent: string | undefined, ip: string | undefined, method: string, msSinceSent: number | null): Verdict {
  const ua = (userAgent ?? '').trim();
  if (method === 'HEAD') return { machine: true, reason: 'head-request' };
  if (ua === '' || isScannerAgent(ua)) return { machine: true, reason: 'scanner-agent' };
  if (isApplePrivacyProxyAddress(ip)) return { machine: true, reason: 'apple-privacy-proxy' };
  if (msSinceSent !== null && msSinceSent < CLICK_TOO_FAST_MS) return { machine: true, reason: 'too-soon-after-delivery' };
  return HUMAN;
}
