import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { DomainException } from '../common/errors/domain.exception';

/**
 * CSRF protection for everything a browser can send with ambient authority (the session cookie)
 * and for the public forms (login, register: login CSRF). Two checks, both required:
 *  1. Origin (or Referer when Origin is absent) names this site; neither present → refused;
 *  2. a token: signed double submit. The `hs_csrf` cookie holds a random seed; forms carry
 *     HMAC(secret, seed) in `_csrf` (`{{> csrf}}`), scripts in the `x-csrf-token` header
 *     (read from `<meta name="csrf-token">`). A cookie planted by a sibling domain is useless
 *     without the server's secret.
 * Exempt: safe methods; bearer-token calls (no ambient authority); /api/* without the session
 * cookie (machine callers: webhooks, bounce reports); and CSRF_EXEMPT below.
 */
export const CSRF_COOKIE = 'hs_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * RFC 8058 one-click unsubscribe: mail providers POST the List-Unsubscribe URL without Origin or
 * cookie; the token in the URL is the only authority, so nothing ambient can be abused.
 */
const CSRF_EXEMPT = [/^\/unsubscribe\/[^/]+$/, /^\/notifications\/unsubscribe\/[^/]+$/];

export class CsrfException extends DomainException<'CSRF_REFUSED'> {
  constructor(reason: string) {
    super('CSRF_REFUSED', `Refused as a possible cross-site request: ${reason}. Reload the page and try again.`);
  }
  get httpStatus(): number {
    return 403;
  }
}

export interface CsrfOptions {
  secret: string;
  publicBaseUrl: string;
  cookieSecure: boolean;
  sessionCookie: string;
}

/** The form token for a seed (exported for tests that post forms the way a browser does). */
export const sign = (secret: string, seed: string): string => createHmac('sha256', secret).update(`csrf:${seed}`).digest('base64url');

const validSeed = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{32,64}$/.test(v);

/** The token for this browser's forms; sets the seed cookie on first use. */
export function csrfToken(req: Request, res: Response, opts: Pick<CsrfOptions, 'secret' | 'cookieSecure'>): string {
  const locals = res.locals as { csrfSeed?: string };
  const existing: unknown = locals.csrfSeed ?? (req.cookies as Record<string, unknown> | undefined)?.[CSRF_COOKIE];
  let seed: string;
  if (validSeed(existing)) seed = existing;
  else {
    seed = randomBytes(24).toString('base64url');
    res.cookie(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'lax', secure: opts.cookieSecure, path: '/' });
  }
  locals.csrfSeed = seed;
  return sign(opts.secret, seed);
}

function sameOrigin(req: Request, value: string, publicOrigin: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.origin === publicOrigin || url.host === req.headers.host;
}

/** Express middleware; put it after the cookie and body parsers. */
export function csrfProtection(opts: CsrfOptions) {
  const publicOrigin = new URL(opts.publicBaseUrl).origin;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (SAFE.has(req.method) || req.headers.authorization) return next();
    const cookies = (req.cookies ?? {}) as Record<string, unknown>;
    const hasSession = Boolean(cookies[opts.sessionCookie]);
    if (!hasSession && req.path.startsWith('/api/')) return next();
    if (CSRF_EXEMPT.some((r) => r.test(req.path))) return next();
    const origin = req.headers.origin ?? req.headers.referer;
    if (!origin) return next(new CsrfException('no Origin or Referer header'));
    if (!sameOrigin(req, origin, publicOrigin)) return next(new CsrfException('the request comes from another site'));
    const body = req.body as Record<string, unknown> | undefined;
    const sent = (typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined) ?? req.headers[CSRF_HEADER];
    // The token is not a form field of any DTO: drop it before validation sees the body.
    if (body && typeof body === 'object' && CSRF_FIELD in body) delete body[CSRF_FIELD];
    const seed = cookies[CSRF_COOKIE];
    if (typeof sent !== 'string' || !validSeed(seed)) return next(new CsrfException('the form token is missing'));
    const expected = Buffer.from(sign(opts.secret, seed));
    const given = Buffer.from(sent);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return next(new CsrfException('the form token does not match'));
    next();
  };
}
