import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/config';
import { metricsRegistry } from '../observability/metrics';
import { TrackingErrorCode, TrackingException } from './tracking.exception';
import { TrackingRecorder } from './tracking-recorder';
import { parseSendId, verifyClick, verifyToken } from '../common/tracking-token';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PIXEL_HEADERS = { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0', 'Content-Length': String(PIXEL.length) };
const HIT_PATH = /^\/t\/([oc])\/([^/?]+)$/;

/** Tracking hits skip the per-request histogram: a plain counter by kind and status is enough. */
const hitsTotal = new Counter({
  name: 'tracking_hits_total',
  help: 'Open-pixel and click-through requests by kind (open, click) and HTTP status',
  labelNames: ['kind', 'status'],
  registers: [metricsRegistry],
});

/**
 * Open pixel (/t/o/<token>.gif) and click-through (/t/c/<token>), the hottest public URLs: a plain
 * Express handler that createApp mounts ahead of the global middleware (correlation id, request
 * log, histogram, cookie and body parsers) and Nest's pipeline, because every mail open lands
 * here. Tokens are signed: a forged or tampered one gets a bare 404, and a click only ever
 * redirects to the URL signed into it (never an open redirect). The hit is committed before the
 * answer goes out; if it cannot be, the answer is the usual JSON error (503) and the mail client
 * may retry.
 */
@Injectable()
export class TrackingHitsMiddleware {
  private readonly logger = new Logger('TrackingHits');

  constructor(
    private readonly recorder: TrackingRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Bound so it can be handed to `app.use` as is. */
  readonly handle = (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url.startsWith('/t/')) return next();
    const match = HIT_PATH.exec(req.path);
    if (!match) return next();
    const at = new Date();
    const common = { userAgent: req.headers['user-agent'], ip: req.ip ?? req.socket.remoteAddress, method: req.method, at };
    if (match[1] === 'o') {
      const sendId = parseSendId(verifyToken(this.config.trackingSecret, 'o', match[2].replace(/\.gif$/, '')));
      if (!sendId) return notFound(res, 'open');
      const done = () => {
        hitsTotal.inc({ kind: 'open', status: '200' });
        res.writeHead(200, PIXEL_HEADERS).end(PIXEL);
      };
      if (sendId === '0') return done();
      this.recorder.record({ sendId, kind: 'open', ...common }).then(done, (err) => this.failed(res, 'open', err));
      return;
    }
    const target = verifyClick(this.config.trackingSecret, match[2]);
    if (!target) return notFound(res, 'click');
    const done = () => {
      hitsTotal.inc({ kind: 'click', status: '302' });
      res.set('Cache-Control', 'no-store').redirect(302, target.url); // Express encodes the Location
    };
    if (target.sendId === '0') return done();
    this.recorder.record({ sendId: target.sendId, kind: 'click', url: target.url, ...common }).then(done, (err) => this.failed(res, 'click', err));
  };

  private failed(res: Response, kind: string, err: unknown): void {
    const correlationId = randomUUID();
    this.logger.error({ err, correlationId }, 'tracking hit not recorded');
    hitsTotal.inc({ kind, status: '503' });
    if (res.headersSent) return;
    const e = new TrackingException(TrackingErrorCode.TRACKING_UNAVAILABLE, 'The hit could not be recorded; try again');
    res.status(e.httpStatus).setHeader('x-correlation-id', correlationId);
    res.json({ error: { code: e.code, message: e.message, correlationId } });
  }
}

function notFound(res: Response, kind: string): void {
  hitsTotal.inc({ kind, status: '404' });
  res.status(404).type('text/plain').send('Not found');
}
