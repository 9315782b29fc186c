import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/config';
import { RateLimitService } from './rate-limit.service';

const LIMIT_KEY = 'handshake:limit-per-address';

/** Public routes whose attempts are counted per client address (guessing codes). */
export type AddressLimit = 'promo-check' | 'supplier-signup';

@Injectable()
export class AddressRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<AddressLimit | undefined>(LIMIT_KEY, ctx.getHandler());
    if (!name) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    await this.limits.consume({ name, points: this.config.promoCheckLimitPerMinute, windowSeconds: 60 }, req.ip ?? req.socket?.remoteAddress ?? 'unknown');
    return true;
  }
}

/**
 * At most PROMO_CHECK_LIMIT_PER_MINUTE attempts a minute per client address, counted in PostgreSQL
 * (shared by every instance); RATE_LIMITED (429, Retry-After) beyond.
 */
export const LimitPerAddress = (name: AddressLimit) => applyDecorators(SetMetadata(LIMIT_KEY, name), UseGuards(AddressRateLimitGuard));
