import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';

/** Body and object fields that carry secrets: never written to a log line, at any depth we log. */
const SECRET_FIELDS = [
  'password', 'newPassword', 'currentPassword', 'passwordHash', 'password_hash',
  'token', 'accessToken', 'refreshToken', 'resetToken', 'sessionId',
  'accountNumber', 'iban', 'bank', 'bankEncrypted', 'bank_encrypted',
  'cardNumber', 'card', 'cvc', 'cvv', 'totp', 'totpCode', 'otp', 'recoveryCode',
  'secret', 'apiKey',
];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-api-key'];

/**
 * pino `redact` paths: secret headers wherever a request or response object is logged, secret
 * fields at the top of a log object and one or two levels down (body, dto, details, err...), and
 * the bound parameters of failed SQL (they can hold any of the above).
 */
export const LOG_REDACT_PATHS: string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`, `*.headers["${h}"]`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'err.parameters', '*.parameters', 'err.driverError.parameters', '*.driverError.parameters',
];

export const LOG_REDACTION = { paths: LOG_REDACT_PATHS, censor: '[redacted]' };

/** A child of `logger` that applies the redaction whatever options the root logger was built with. */
export function redacting(logger: Logger): Logger {
  return logger.child({}, { redact: LOG_REDACTION });
}

/** Query parameters whose values are safe to log; every other value is replaced. */
const SAFE_QUERY_KEYS = new Set(['lang', 'status', 'limit', 'offset', 'page', 'pageSize', 'from', 'to', 'sort', 'order', 'kind', 'format', 'month', 'period', 'role', 'method', 'state', 'saved']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The URL as it may be logged: query values other than a few known-safe ones, and path segments
 * that look like tokens (long opaque strings that are not UUIDs: unsubscribe, tracking and reset
 * links), are replaced.
 */
export function loggableUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const safePath = path
    .split('/')
    .map((seg) => (seg.length >= 24 && !UUID.test(seg) ? '[redacted]' : seg))
    .join('/');
  if (q === -1) return safePath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        /* keep raw */
      }
      return eq === -1 || SAFE_QUERY_KEYS.has(name) ? pair : `${key}=[redacted]`;
    })
    .join('&');
  return `${safePath}?${query}`;
}

/** Structured JSON logs on stdout. */
/** Logs on stdout: one JSON object a line (LOG_FORMAT=json, production) or short readable lines (pretty). */
export function createRootLogger(level: string, format: 'json' | 'pretty' = 'json'): Logger {
  return pino({ level, redact: LOG_REDACTION, base: { service: 'handshake' }, timestamp: pino.stdTimeFunctions.isoTime }, logDestination(format));
}

/** pretty: `12:00:01 INFO (Mailer): message key=value`, without pid, host and request objects. */
function logDestination(format: 'json' | 'pretty'): DestinationStream | undefined {
  if (format === 'json') return undefined;
  return pretty({ sync: true, colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service,req,res,responseTime,correlationId,context', messageFormat: '{if context}({context}) {end}{msg}', singleLine: true });
}

/** Nest's start-up chatter (every module loaded, every route mapped): debug, not info. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Routes Nest's own log calls through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message && typeof message === 'object') this.logger[level]({ context, ...(message as object) }, (rest[0] as string) ?? '');
    else this.logger[level]({ context }, String(message));
  }
  log(message: unknown, ...rest: unknown[]) { this.write(START_UP_CONTEXTS.has(rest[rest.length - 1] as string) ? 'debug' : 'info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('trace', message, rest); }
}
