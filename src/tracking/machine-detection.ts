/**
 * Telling people from machines. Apple Mail Privacy Protection fetches every image from Apple's
 * network (17.0.0.0/8) with a bare "Mozilla/5.0" agent, so such opens say nothing about a reader;
 * mail security gateways follow every link within seconds of delivery. Both are recorded with the
 * reason and reported apart from human figures.
 */
export const SCANNER_AGENT = /(barracuda|mimecast|proofpoint|urldefense|safelinks|bingpreview|symantec|forcepoint|trend ?micro|ironport|fortiguard|sophos|checkpoint|zscaler|scanner|crawler|spider|bot\b|python-requests|go-http-client|curl\/|wget\/|headlesschrome|java\/|okhttp|libwww)/i;

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
  if (SCANNER_AGENT.test(ua)) return { machine: true, reason: 'scanner-agent' };
  return HUMAN;
}

export function classifyClick(userAgent: string | undefined, ip: string | undefined, method: string, msSinceSent: number | null): Verdict {
  const ua = (userAgent ?? '').trim();
  if (method === 'HEAD') return { machine: true, reason: 'head-request' };
  if (ua === '' || SCANNER_AGENT.test(ua)) return { machine: true, reason: 'scanner-agent' };
  if (isApplePrivacyProxyAddress(ip)) return { machine: true, reason: 'apple-privacy-proxy' };
  if (msSinceSent !== null && msSinceSent < CLICK_TOO_FAST_MS) return { machine: true, reason: 'too-soon-after-delivery' };
  return HUMAN;
}
