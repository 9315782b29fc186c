import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers for every answer (helmet): a Content-Security-Policy that allows no inline
 * script or style (pages load /assets/*.css and *.js from the app, never from a CDN), no framing
 * (frame-ancestors 'none'), nosniff, a strict Referrer-Policy, and HSTS only on https requests
 * (a plain-http install — e.g. a laptop — must not be pinned to https).
 * Swagger UI at /docs is a developer tool with inline bootstrap code: it gets its own policy.
 */
export function securityHeaders(): RequestHandler {
  const common = {
    strictTransportSecurity: false as const,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
    xFrameOptions: { action: 'deny' as const },
    crossOriginEmbedderPolicy: false,
  };
  const pages = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        // Forms post here; some answer with a redirect to Stripe's onboarding (https).
        'form-action': ["'self'", 'https:'],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: 365 * 24 * 3600, includeSubDomains: true });
  return (req: Request, res: Response, next: NextFunction) => {
    const policy = req.path === '/docs' || req.path.startsWith('/docs/') || req.path.startsWith('/docs-') ? docs : pages;
    policy(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.secure) return hsts(req, res, next);
      next();
    });
  };
}
