import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body';
import { Role } from './role';

export const ROLES_KEY = 'handshake:roles';
export const PUBLIC_KEY = 'handshake:public';
export const SESSION_COOKIE = 'hs_session';

/** The route is open to anyone, signed in or not (a signed-in user is still recognised). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-roles', ['public']));

/**
 * Only these roles may use the route. Every route carries @Public() or @Roles(...); the app refuses
 * to boot otherwise (RouteAccessAuditor), and the roles are published in the OpenAPI document.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiExtension('x-roles', roles),
    ApiBearerAuth(),
    ApiCookieAuth(SESSION_COOKIE),
    ApiUnauthorizedResponse({ description: 'Not signed in (UNAUTHENTICATED)', type: ErrorBody }),
    ApiForbiddenResponse({ description: `Signed in with a role other than: ${roles.join(', ')} (FORBIDDEN)`, type: ErrorBody }),
  );

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  /** The server-side session the request's token names. */
  sessionId?: string;
  /** Set when the request came with an API key (hs_…): it acts with the key's role for the admin who made it. */
  apiKeyId?: string;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest().user;
});

/** The client address used for audit records and rate limits. */
export const ClientIp = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest();
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
});
