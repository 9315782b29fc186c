import type { NextFunction, Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { CommonErrorCode, CommonException } from './common.exception';

/** Where a NUL (0x00) character hides in a value, as a field path, or null. PostgreSQL text refuses 0x00. */
export function findNul(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) return path ? `${path}.${key}` : key;
    const found = findNul(inner, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}

const nulRefused = (field: string) =>
  new CommonException(CommonErrorCode.VALIDATION_FAILED, 'Text must not contain NUL (0x00) characters', { field, reason: 'nul', problems: ['contains a NUL (0x00) character'] });

/**
 * Refuses, before any handler runs, a request whose path, query or parsed body carries a NUL
 * character: VALIDATION_FAILED (400), nothing written.
 */
export function refuseNulBytes(req: Request, _res: Response, next: NextFunction): void {
  let path = req.path;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    /* a malformed escape is left for the router to refuse */
  }
  if (path.includes('\u0000')) return next(nulRefused('path'));
  const inQuery = findNul(req.query, 'query');
  if (inQuery) return next(nulRefused(inQuery));
  const inBody = findNul(req.body, 'body');
  if (inBody) return next(nulRefused(inBody));
  next();
}

/**
 * refuseNulBytes for a body kept raw (Stripe deliveries: parsed once, later, by the signature
 * check): the same VALIDATION_FAILED when a string or key of the JSON holds a NUL. Only a body
 * that spells \u0000 at all is parsed here.
 */
export function refuseNulInRawJson(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body) && body.includes('\\u0000')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return next(); // not JSON: the signature check refuses it
    }
    const inBody = findNul(parsed, 'body');
    if (inBody) return next(nulRefused(inBody));
  }
  next();
}

/**
 * PostgreSQL errors that mean the input was wrong, not the server: a malformed uuid or number,
 * a value out of its type's range, a NUL in text. The statement failed, so nothing was written by it.
 */
const INPUT_SQLSTATES: Record<string, string> = {
  '22P02': 'A value has the wrong format (e.g. an id that is not a UUID)',
  '22003': 'A number is out of range',
  '22021': 'Text contains a character that cannot be stored',
  '22P05': 'Text contains a character that cannot be stored',
  '22001': 'A text value is too long',
  '22007': 'A date or time has the wrong format',
  '22008': 'A date or time is out of range',
  '2201W': 'A limit must not be negative',
  '2201X': 'An offset must not be negative',
};

export function inputErrorFromDatabase(err: unknown): CommonException | null {
  if (!(err instanceof QueryFailedError)) return null;
  const code = (err as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
  const message = code ? INPUT_SQLSTATES[code] : undefined;
  return message ? new CommonException(CommonErrorCode.VALIDATION_FAILED, message, { reason: 'database_refused_input' }) : null;
}
