import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A link token that proves the server wrote it: fields and an expiry time, with an HMAC under the
 * given secret and a purpose prefix (a token for one purpose never passes for another). Nothing is
 * stored: the token carries what it is about. Used where a single use is not needed or is
 * enforced by the state it changes (confirming an email address twice changes nothing).
 */
export function signLink(secret: string, purpose: string, fields: string[], expiresAt: Date): string {
  if (fields.some((f) => f.includes('|'))) throw new Error('a signed-link field may not contain |');
  const payload = Buffer.from([...fields, String(Math.floor(expiresAt.getTime() / 1000))].join('|'), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
}

/** The fields of a token this server signed for this purpose and that has not expired; else undefined. */
export function verifyLink(secret: string, purpose: string, token: unknown, now: Date = new Date()): string[] | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const [payload, given, extra] = token.split('.');
  if (!payload || !given || extra !== undefined) return undefined;
  const expected = mac(secret, purpose, payload);
  const givenBytes = Buffer.from(given, 'base64url');
  if (givenBytes.length !== expected.length || givenBytes.toString('base64url') !== given || !timingSafeEqual(givenBytes, expected)) return undefined;
  const parts = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const expires = Number(parts.pop());
  if (!Number.isSafeInteger(expires) || expires * 1000 <= now.getTime()) return undefined;
  return parts;
}

function mac(secret: string, purpose: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}.${payload}`).digest().subarray(0, 18);
}
