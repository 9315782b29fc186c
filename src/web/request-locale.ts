import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { Locale, LOCALES, pickLocale } from '../i18n/messages';

const store = new AsyncLocalStorage<Locale>();

/**
 * The page locale of the request being served (query ?lang, the lang cookie, Accept-Language), for
 * code far from the controller that records a person's language (account creation, first login).
 */
export function requestLocaleMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const accept = req.headers['accept-language'];
  // Only a real signal counts (a chosen language or the browser's); otherwise the language stays unknown.
  const known = LOCALES.includes(req.query?.lang as Locale) || LOCALES.includes(req.cookies?.lang as Locale) || /(^|,)\s*(en|ru)\b/i.test(accept ?? '');
  if (!known) return next();
  store.run(pickLocale(req.query?.lang, req.cookies?.lang, accept), next);
}

/** The locale of the current request, or undefined outside a request (jobs, CLI). */
export function currentRequestLocale(): Locale | undefined {
  return store.getStore();
}
