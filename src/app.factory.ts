import 'reflect-metadata';
import './database/bigint';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { json, urlencoded } from 'express';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { SESSION_COOKIE } from './auth/access.decorators';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { validationPipe } from './common/errors/validation';
import { AppConfig } from './config/config';
import { correlationId } from './observability/correlation-id';
import { PinoNestLogger } from './observability/logger';
import { httpMetrics } from './observability/metrics';
import { setupSwagger } from './swagger';
import { TrackingHitsMiddleware } from './tracking/tracking-hits.middleware';
import { csrfProtection } from './web/csrf';
import { securityHeaders } from './web/security-headers';
import { ViewService } from './web/view.service';

/** Builds the HTTP app (without listening): shared by `npm start`, the CLI and the tests. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', process.env.TRUST_PROXY === 'true' ? true : 'loopback');
  app.disable('x-powered-by');
  // Open pixels and click redirects (thousands a second) go first, ahead of the global middleware
  // and Nest's pipeline; they keep their own counter in /metrics (tracking_hits_total).
  app.use(app.get(TrackingHitsMiddleware).handle);
  app.use(correlationId);
  app.use(securityHeaders());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as unknown as { correlationId: string }).correlationId,
      customProps: (req) => ({ correlationId: (req as unknown as { correlationId: string }).correlationId }),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  app.use(httpMetrics);
  app.use(cookieParser());
  app.use(json({ limit: '1mb', verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) }));
  app.use(urlencoded({ extended: false, limit: '1mb' }));
  app.use(csrfProtection({ secret: config.jwtSecret, publicBaseUrl: config.publicBaseUrl, cookieSecure: config.cookieSecure, sessionCookie: SESSION_COOKIE }));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(ViewService)));
  setupSwagger(app);
  return app;
}
