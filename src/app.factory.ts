import 'reflect-metadata';
import './database/bigint';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { requestLocaleMiddleware } from './web/request-locale';
import { json, urlencoded } from 'express';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { SESSION_COOKIE } from './access/access.decorators';
import { recognizeUser } from './auth/recognize-user';
import { AllExceptionsFilter } from './web/all-exceptions.filter';
import { refuseNulBytes } from './common/errors/input-guards';
import { validationPipe } from './common/errors/validation';
import { AppConfig } from './config/config';
import { correlationId } from './observability/correlation-id';
import { loggableUrl, PinoNestLogger, redacting } from './observability/logger';
import { httpMetrics } from './observability/metrics';
import { setupSwagger } from './swagger';
import { exceptStripeDeliveries, stripeDeliveryMiddleware } from './stripe-webhooks/stripe-delivery-route';
import { StripeInboxService } from './stripe-webhooks/stripe-inbox.service';
import { TrackingHitsMiddleware } from './tracking/tracking-hits.middleware';
import { csrfProtection } from './web/csrf';
import { securityHeaders } from './web/security-headers';
import { ViewService } from './web/view.service';

/** Builds the HTTP app (without listening): shared by `npm start`, the CLI and the tests. */
export async function createApp(config: AppConfig, databaseUrl: string, rootLogger: Logger): Promise<NestExpressApplication> {
  const logger = redacting(rootLogger);
  if (config.metricsTokenFile) logger.info(`/metrics token: ${config.metricsTokenFile} (send it as Authorization: Bearer <token>; set METRICS_TOKEN to choose one)`);
  else if (!config.metricsToken) logger.warn('METRICS_TOKEN unset: /metrics is closed');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Open pixels and click redirects (thousands a second) go first, ahead of the global middleware
  // and Nest's pipeline; they keep their own counter in /metrics (tracking_hits_total).
  app.use(app.get(TrackingHitsMiddleware).handle);
  app.use(correlationId);
  // Stripe's deliveries (thousands a second at peak) are answered next, ahead of the global
  // middleware and Nest's pipeline (see stripeDeliveryMiddleware); refusals go on to the controller.
  app.use(stripeDeliveryMiddleware(logger, app.get(StripeInboxService)));
  app.use(securityHeaders());
  app.use(
    exceptStripeDeliveries(pinoHttp({
      logger,
      genReqId: (req) => (req as unknown as { correlationId: string }).correlationId,
      customProps: (req) => ({ correlationId: (req as unknown as { correlationId: string }).correlationId }),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      // Only what identifies the request: never headers (tokens, cookies, signatures) or whole query strings.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: loggableUrl(req.url) }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customSuccessMessage: (req, res, ms) => `${req.method} ${loggableUrl(req.url)} ${res.statusCode} ${Math.round(ms)} ms`,
    })),
  );
  app.use(httpMetrics);
  app.use(cookieParser());
  app.use(exceptStripeDeliveries(json({ limit: '1mb' })));
  app.use(urlencoded({ extended: false, limit: '1mb' }));
  app.use(exceptStripeDeliveries(refuseNulBytes));
  // After the body parsers: their stream callbacks would lose the request's async context.
  app.use(requestLocaleMiddleware);
  app.use(csrfProtection({ secret: config.jwtSecret, publicBaseUrl: config.publicBaseUrl, cookieSecure: config.cookieSecure, sessionCookie: SESSION_COOKIE }));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(ViewService), recognizeUser));
  setupSwagger(app);
  return app;
}
