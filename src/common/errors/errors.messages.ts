import type { Request } from 'express';
import { pickLocale, registerMessages, translate } from '../../web/messages';

/**
 * API error messages in the caller's language, by error code (`apiError.<CODE>[.<reason>]`;
 * parameters come from the error's details). Codes without an entry keep the message they were raised with.
 */
registerMessages({
  en: {
    'apiError.RATE_LIMITED': 'Too many attempts; try again in {retryAfterSeconds} s.',
    'apiError.VALIDATION_FAILED.nul': 'Text must not contain NUL (0x00) characters ({field}).',
  },
  ru: {
    'apiError.RATE_LIMITED': 'Слишком много попыток; повторите через {retryAfterSeconds} с.',
    'apiError.VALIDATION_FAILED.nul': 'Текст не должен содержать символы NUL (0x00) ({field}).',
  },
});

export function localizedErrorMessage(req: Request, code: string, fallback: string, details: unknown): string {
  const locale = pickLocale(req.query?.lang, req.cookies?.lang, req.headers?.['accept-language']);
  const params = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
  // The most specific entry wins: apiError.<CODE>.<details.reason>, then apiError.<CODE>.
  const keys = typeof params.reason === 'string' ? [`apiError.${code}.${params.reason}`, `apiError.${code}`] : [`apiError.${code}`];
  for (const key of keys) {
    const text = translate(locale, key, params);
    if (text !== key) return text;
  }
  return fallback;
}
