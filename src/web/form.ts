import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { DomainException } from '../common/errors/domain.exception';

/**
 * Validates an HTML form body against the same DTO the API uses. Form fields arrive as strings;
 * empty ones are treated as absent and numbers are converted by the DTO's declared types.
 */
export async function parseForm<T extends object>(dto: new () => T, body: Record<string, unknown>): Promise<T> {
  const cleaned = Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => v !== ''));
  const instance = plainToInstance(dto, cleaned, { enableImplicitConversion: true });
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const message = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
    throw new CommonException(CommonErrorCode.VALIDATION_FAILED, message, errors.map((e) => ({ field: e.property })));
  }
  return instance;
}

export interface PageError {
  code: string;
  message: string;
  details?: unknown;
  /** The form fields the error is about (from its details), so the page shows it under them. */
  fields: string[];
}

/** A domain failure as a page shows it; anything else is rethrown to the global filter. */
export function pageError(err: unknown): { status: number; error: PageError } {
  if (err instanceof DomainException) return { status: err.httpStatus, error: { code: err.code, message: err.message, details: err.details, fields: errorFields(err.details) } };
  throw err;
}

function errorFields(details: unknown): string[] {
  const list = Array.isArray(details) ? details : details && typeof details === 'object' ? [details] : [];
  return [...new Set(list.map((d) => (d && typeof d === 'object' ? (d as { field?: unknown }).field : undefined)).filter((f): f is string => typeof f === 'string'))];
}

/** A page number from a query string: a whole number from 1 (anything else is page 1), at most 100,000. */
export function pageNumber(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : 1;
  return Math.min(Math.max(n, 1), 100_000);
}
