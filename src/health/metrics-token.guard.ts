import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { APP_CONFIG, AppConfig } from '../config/config';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const expected = this.config.metricsToken;
    if (!expected) throw new CommonException(CommonErrorCode.FORBIDDEN, 'Metrics are closed: set METRICS_TOKEN');
    const header = req.headers.authorization ?? '';
    const sent = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!sent || !timingSafeEqual(digest(sent), digest(expected))) {
      throw new CommonException(CommonErrorCode.UNAUTHENTICATED, 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>');
    }
    return true;
  }
}
