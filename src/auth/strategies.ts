import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuthUser, SESSION_COOKIE } from '../access/access.decorators';
import { AuthService } from './auth.service';

/** Email + password, checked against the argon2id hash. */
@Injectable()
export class LocalStrategy extends PassportStrategy(LocalStrategyBase, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  validate(req: Request, email: unknown, password: unknown): Promise<AuthUser> {
    return this.auth.validateCredentials(email, password, req.ip ?? req.socket?.remoteAddress ?? 'unknown');
  }
}

const fromSessionCookie = (req: Request): string | null => (req.cookies?.[SESSION_COOKIE] as string | undefined) ?? null;

/** A JWT from the Authorization header (API) or the http-only session cookie (web pages). */
@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), fromSessionCookie]),
      secretOrKey: config.jwtSecret,
      ignoreExpiration: false,
    });
  }

  async validate(payload: { sub?: unknown; sid?: unknown }): Promise<AuthUser | false> {
    return (await this.auth.resolveSession(payload)) ?? false;
  }
}
