import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { ViewService } from './view.service';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { DomainException } from '../common/errors/domain.exception';
import { localizedErrorMessage } from '../common/errors/errors.messages';
import { inputErrorFromDatabase } from '../common/errors/input-guards';

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

  /**
   * With the views, browsers get a translated error page instead of JSON (see renderHtml);
   * `recognize` finds the signed-in user of a request no guard looked at, for that page's top bar.
   */
  constructor(
    private readonly views?: ViewService,
    private readonly recognize?: (req: Request) => Promise<{ email: string; role: string } | undefined>,
  ) {}

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
    if (n.status === 401 && wantsHtml(req) && req.method === 'GET') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (wantsHtml(req) && this.recognize && !(req as { user?: unknown }).user) {
      void this.recognize(req)
        .catch(() => undefined)
        .then((user) => {
          if (user) (req as { user?: unknown }).user = user;
          if (!res.headersSent) this.answer(req, res, n);
        });
      return;
    }
    this.answer(req, res, n);
  }

  private answer(req: Request & { correlationId?: string }, res: Response, n: Normalized): void {
    if (wantsHtml(req) && this.renderHtml(req, res, n)) return;
    res.status(n.status).json({
      error: { code: n.code, message: n.message, ...(n.details === undefined ? {} : { details: n.details }), correlationId: req.correlationId },
    });
  }

  /** A translated page in the layout; false when it cannot be rendered (then JSON goes out). */
  private renderHtml(req: Request & { correlationId?: string }, res: Response, n: Normalized): boolean {
    if (!this.views) return false;
    try {
      const m = errorPageModel(req, n);
      const heading = this.views.t(req, `error.${m.kind}.title`);
      const text = m.kind === 'other' ? this.views.t(req, 'error.generic') : this.views.t(req, `error.${m.kind}.text`, { id: m.reference ?? '' });
      this.views.render('error', req, res, { ...m, title: heading, heading, text }, n.status);
      return true;
    } catch (err) {
      this.logger.error({ err, correlationId: req.correlationId }, 'could not render the error page');
      return false;
    }
  }
}

const PAGE_KIND: Record<number, string> = { 401: '401', 403: '403', 404: '404', 500: '500' };

/** Where a browser wanted to go: the page it posted from (same site) or the address itself. */
function wantedPath(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  try {
    const ref = new URL(req.headers.referer ?? '');
    if (ref.host === req.headers.host) return ref.pathname + ref.search;
  } catch {
    /* no usable Referer */
  }
  return '/';
}

export interface ErrorPageModel {
  status: number;
  code: string;
  kind: string;
  reference?: string;
  loginHref?: string;
}

/** What the error page says, by status (and CSRF_REFUSED apart): never the operator's message. */
export function errorPageModel(req: Request & { correlationId?: string }, n: { status: number; code: string }): ErrorPageModel {
  const kind = n.code === 'CSRF_REFUSED' ? 'csrf' : (PAGE_KIND[n.status] ?? (n.status >= 500 ? '500' : 'other'));
  return {
    status: n.status,
    code: n.code,
    kind,
    reference: kind === '500' ? req.correlationId : undefined,
    loginHref: kind === '401' ? `/login?next=${encodeURIComponent(wantedPath(req))}` : undefined,
  };
}

function wantsHtml(req: Request): boolean {
  return !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}
