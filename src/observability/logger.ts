import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';

/** Logs on stdout: one JSON object a line (LOG_FORMAT=json, production) or short readable lines (pretty). */
export function createRootLogger(level: string, format: 'json' | 'pretty' = 'json'): Logger {
  return pino({ level, base: { service: 'handshake' }, timestamp: pino.stdTimeFunctions.isoTime }, logDestination(format));
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
