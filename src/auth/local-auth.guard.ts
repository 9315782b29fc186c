import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthErrorCode, AuthException } from './auth.exception';

/** Runs the passport local strategy; a failure is INVALID_CREDENTIALS. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Send email and password');
    return user;
  }
}

/** The same check for the web form: a failure is left on the request so the page can re-render. */
@Injectable()
export class WebLocalAuthGuard extends AuthGuard('local') {
  handleRequest<TUser>(err: unknown, user: TUser, _info: unknown, ctx: ExecutionContext): TUser {
    if (!user) ctx.switchToHttp().getRequest().authError = err;
    return (user || undefined) as TUser;
  }
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await super.canActivate(ctx);
    return true;
  }
}
