import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { raw } from 'express';
import type { Logger } from 'pino';
import { refuseNulInRawJson } from '../common/errors/input-guards';
import { loggableUrl } from '../observability/logger';

/** Where Stripe delivers (StripeWebhookController's POST), with or without the trailing slash Express also routes there (not the admin routes under it). */
const DELIVERY_PATH = /^\/api\/stripe\/webhooks\/?$/;

/** A Stripe delivery: a POST that reaches StripeWebhookController's receive. */
export function isStripeDelivery(req: Request): boolean {
  return req.method === 'POST' && DELIVERY_PATH.test(req.path);
}

/** `mw` for every request but Stripe's deliveries (they get stripeDeliveryMiddleware instead). */
export function exceptStripeDeliveries(mw: RequestHandler): RequestHandler {
  return (req, res, next) => (isStripeDelivery(req) ? next() : mw(req, res, next));
}

/**
 * What a Stripe delivery gets in place of the request log, the JSON parser and the NUL guard
 * (thousands a second at peak; the webhooks benchmark spent more of the app's CPU on those three
 * than on the delivery itself): the body is kept raw (the signature is checked on it, and the
 * inbox parses it once, in StripeClient.constructEvent), a NUL in it is refused as before, and the
 * request is logged at debug when it succeeds, at warn when it does not (the inbox is the record of
 * what arrived), with the fields and message of the app's request log.
 */
export function stripeDeliveryMiddleware(logger: Logger): RequestHandler {
  const body = raw({ type: () => true, limit: '1mb', verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isStripeDelivery(req)) return next();
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode < 400 ? 'debug' : 'warn';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const url = loggableUrl(req.originalUrl);
      const correlationId = (req as unknown as { correlationId?: string }).correlationId;
      logger[level]({ req: { id: correlationId, method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Math.round(ms), correlationId }, `${req.method} ${url} ${res.statusCode} ${Math.round(ms)} ms`);
    });
    body(req, res, (err?: unknown) => (err ? next(err) : refuseNulInRawJson(req, res, next)));
  };
}
