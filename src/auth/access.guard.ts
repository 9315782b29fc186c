import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { AuthUser, PUBLIC_KEY, ROLES_KEY, SESSION_COOKIE } from '../access/access.decorators';
import { Role } from '../access/role';
import { ApiKeysService, isApiKeyToken } from './api-keys.service';

/**
 * The global guard: public routes pass (recognising a signed-in user when a token is present),
 * every other route needs a valid token and one of the roles the route names. Where a cookie-signed
 * write comes from is checked once, for every route, by the CSRF middleware (src/web/csrf.ts).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const apiKey = apiKeyOf(req);
    if (isPublic) {
      if (apiKey) req.user = (await this.apiKeys.resolve(apiKey)) ?? undefined;
      else if (hasToken(req)) await Promise.resolve(super.canActivate(ctx)).catch(() => undefined);
      return true;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (apiKey) {
      // An API key beside the session tokens: unknown or revoked is 401, its role decides the rest.
      const user = await this.apiKeys.resolve(apiKey);
      if (!user) throw new CommonException(CommonErrorCode.UNAUTHENTICATED, 'This API key is unknown or was revoked');
      req.user = user;
    } else await super.canActivate(ctx);
    if (!req.user || !roles.includes(req.user.role)) {
      // The answer does not say which roles would do (no map of the roles for a prober).
      throw new CommonException(CommonErrorCode.FORBIDDEN, 'Your role may not use this route');
    }
    return true;
  }

  handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw new CommonException(CommonErrorCode.UNAUTHENTICATED, 'Sign in first: send a bearer token or the session cookie');
    return user;
  }
}

/** The API key of an `Authorization: Bearer hs_…` header, if that is what the request carries. */
function apiKeyOf(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m && isApiKeyToken(m[1]) ? m[1] : undefined;
}

function hasToken(req: Request): boolean {
  return Boolean(req.headers.authorization || req.cookies?.[SESSION_COOKIE]);
}
