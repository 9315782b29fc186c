import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens carried by every link we mail: open pixel (o), click (c), registration (r),
 * unsubscribe (u) and bounce reference (b). The kind is part of the signed text, so a token minted
 * for one purpose is refused for another; anything forged or tampered verifies to undefined.
 */
export type TokenKind = 'o' | 'c' | 'r' | 'u' | 'b';

const MAC_BYTES = 16;

function mac(secret: string, kind: TokenKind, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${kind}.${payload}`).digest().subarray(0, MAC_BYTES);
}

export function signToken(secret: string, kind: TokenKind, payload: string): string {
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(secret, kind, payload).toString('base64url')}`;
}

export function verifyToken(secret: string, kind: TokenKind, token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length > 4096) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const payload = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== MAC_BYTES) return undefined;
  // Re-encoding must give the same text: base64 ignores the spare bits of the last character, so
  // without this a token with a changed last character could still verify.
  if (given.toString('base64url') !== token.slice(dot + 1)) return undefined;
  if (Buffer.from(payload, 'utf8').toString('base64url') !== token.slice(0, dot)) return undefined;
  return timingSafeEqual(given, mac(secret, kind, payload)) ? payload : undefined;
}

/** A send id as carried in tokens: a positive integer; 0 stands for a test message (no send row). */
export function parseSendId(text: string | undefined): string | undefined {
  return text !== undefined && /^\d{1,18}$/.test(text) ? text : undefined;
}

export interface ClickTarget {
  sendId: string;
  url: string;
}

export function signClick(secret: string, sendId: string, url: string): string {
  return signToken(secret, 'c', `${sendId}|${url}`);
}

export function verifyClick(secret: string, token: unknown): ClickTarget | undefined {
  const payload = verifyToken(secret, 'c', token);
  if (!payload) return undefined;
  const bar = payload.indexOf('|');
  const sendId = parseSendId(payload.slice(0, bar));
  const url = payload.slice(bar + 1);
  if (bar < 0 || !sendId || !/^https?:\/\//i.test(url)) return undefined;
  return { sendId, url };
}

export interface UnsubscribeTarget {
  sendId: string;
  email: string;
}

export function signUnsubscribe(secret: string, sendId: string, email: string): string {
  return signToken(secret, 'u', `${sendId}|${email}`);
}

export function verifyUnsubscribe(secret: string, token: unknown): UnsubscribeTarget | undefined {
  const payload = verifyToken(secret, 'u', token);
  if (!payload) return undefined;
  const bar = payload.indexOf('|');
  const sendId = parseSendId(payload.slice(0, bar));
  const email = payload.slice(bar + 1);
  return bar > 0 && sendId && email.includes('@') ? { sendId, email } : undefined;
}
