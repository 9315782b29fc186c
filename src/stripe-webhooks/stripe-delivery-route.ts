import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { raw } from 'express';
import type { Logger } from 'pino';
import { refuseNulInRawJson } from '../common/errors/input-guards';
import { loggableUrl } from '../observability/logger';
import { observeRequest } from '../observability/metrics';
import type { WebhookAckView } from './stripe-webhook.dto';

/** Where Stripe delivers (StripeWebhookController's POST), with or without the trailing slash Express also routes there (not the admin routes under it). */
const DELIVERY_PATH = /^\/api\/stripe\/webhooks\/?$/;
/** The route pattern deliveries are counted under in /metrics (what Nest's router names it). */
const DELIVERY_ROUTE = '/api/stripe/webhooks';

/** A Stripe delivery: a POST that reaches StripeWebhookController's receive. */
export function isStripeDelivery(req: Request): boolean {
  return req.method === 'POST' && DELIVERY_PATH.test(req.path);
}

/** `mw` for every request but Stripe's deliveries (they get stripeDeliveryMiddleware instead). */
export function exceptStripeDeliveries(mw: RequestHandler): RequestHandler {
  return (req, res, next) => (isStripeDelivery(req) ? next() : mw(req, res, next));
}

/** What answers a delivery: StripeInboxService.receive (verify, store, wake the processor). */
export interface DeliveryReceiver {
  receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookAckView>;
}

/**
 * Stripe's deliveries, answered ahead of the rest of the app (thousands a second at peak; the
 * webhooks benchmark found the app's one thread spent more on the global middleware, Nest's
 * router, guard and response pipeline than on the delivery itself). createApp mounts this right
 * after the correlation id: the body is kept raw (the signature is checked on it and the inbox
 * parses it once), a NUL in it is refused as before, and an event that verifies and is stored is
 * answered here, counted in /metrics under the route's name.
 *
 * Anything else — a refused signature, a body that is not JSON, a database that could not store
 * it — goes on, body already read, to StripeWebhookController, which calls the same receive and
 * answers the refusal the app's usual way (error code, message in the caller's language, security
 * headers). Storing is idempotent (by event id), so the second call is safe. The request is logged
 * at debug when it succeeds, at warn when it does not (the inbox is the record of what arrived).
 */
export function stripeDeliveryMiddleware(logger: Logger, receiver: DeliveryReceiver): RequestHandler {
  const body = raw({ type: () => true, limit: '1mb', verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isStripeDelivery(req)) return next();
    const started = process.hrtime.bigint();
    const correlationId = (req as unknown as { correlationId?: string }).correlationId;
    res.on('finish', () => {
      const level = res.statusCode < 400 ? 'debug' : 'warn';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const url = loggableUrl(req.originalUrl);
      logger[level]({ req: { id: correlationId, method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Math.round(ms), correlationId }, `${req.method} ${url} ${res.statusCode} ${Math.round(ms)} ms`);
    });
    const answer = () => {
      const rawBody = (req as unknown as { rawBody?: Buffer }).rawBody;
      const signature = req.headers['stripe-signature'];
      if (!rawBody || typeof signature !== 'string') return next();
      receiver.receive(rawBody, signature).then(
        (ack) => {
          const payload = JSON.stringify(ack);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' }).end(payload);
          observeRequest(req.method, DELIVERY_ROUTE, 200, Number(process.hrtime.bigint() - started) / 1e9);
        },
        // Refused or not stored: the controller answers it (see above).
        () => next(),
      );
    };
    body(req, res, (err?: unknown) => (err ? next(err) : refuseNulInRawJson(req, res, (refused?: unknown) => (refused ? next(refused) : answer()))));
  };
}
