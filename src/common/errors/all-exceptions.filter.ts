import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { CommonErrorCode, CommonException } from './common.exception';
import { DomainException } from './domain.exception';
import { localizedErrorMessage } from './errors.messages';
import { inputErrorFromDatabase } from './input-guards';

interface Normalized {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

function fromHttpException(err: HttpException): Normalized {
  const status = err.getStatus();
  const body = err.getResponse() as { message?: unknown } | string;
  const text = typeof body === 'string' ? body : Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? err.message);
  if (err instanceof ThrottlerException || status === 429) {
    return { status: 429, code: CommonErrorCode.RATE_LIMITED, message: 'Too many requests; try again in a minute' };
  }
  const byStatus: Record<number, CommonErrorCode> = {
    400: text.includes('JSON') ? CommonErrorCode.MALFORMED_JSON : CommonErrorCode.VALIDATION_FAILED,
    401: CommonErrorCode.UNAUTHENTICATED,
    403: CommonErrorCode.FORBIDDEN,
    404: CommonErrorCode.NOT_FOUND,
    409: CommonErrorCode.CONFLICT,
    413: CommonErrorCode.PAYLOAD_TOO_LARGE,
  };
  const code = byStatus[status];
  if (!code) return { status, code: `HTTP_${status}`, message: text };
  const message =
    code === CommonErrorCode.UNAUTHENTICATED ? 'Authentication required' : code === CommonErrorCode.FORBIDDEN ? 'Your role may not use this route' : text;
  return { status, code, message };
}

/** Turns every failure into `{ error: { code, message, details, correlationId } }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { correlationId?: string }>();
    const res = ctx.getResponse<Response>();
    let n: Normalized;
    err = inputErrorFromDatabase(err) ?? err;
    if (err instanceof DomainException) {
      n = { status: err.httpStatus, code: err.code, message: err.message, details: err.details };
    } else if (err instanceof HttpException) {
      n = fromHttpException(err);
    } else if (err && typeof err === 'object' && (err as { type?: string }).type === 'entity.parse.failed') {
      n = { status: 400, code: CommonErrorCode.MALFORMED_JSON, message: 'The request body is not valid JSON' };
    } else if (err && typeof err === 'object' && (err as { type?: string }).type === 'entity.too.large') {
      n = { status: 413, code: CommonErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is too large' };
    } else {
      this.logger.error({ err, correlationId: req.correlationId }, 'unexpected error');
      const internal = new CommonException(CommonErrorCode.INTERNAL, 'Something went wrong on our side; quote the correlation id when reporting it');
      n = { status: 500, code: internal.code, message: internal.message };
    }
    if (res.headersSent) return;
    n.message = localizedErrorMessage(req, n.code, n.message, n.details);
    const retryAfter = (n.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (n.status === 429 && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (n.status === 401 && wantsHtml(req)) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(n.status).json({
      error: { code: n.code, message: n.message, ...(n.details === undefined ? {} : { details: n.details }), correlationId: req.correlationId },
    });
  }
}

function wantsHtml(req: Request): boolean {
  return !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}
