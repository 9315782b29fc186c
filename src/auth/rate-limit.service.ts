import { Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';

export interface LimitSpec {
  /** Counter name: keys are `${name}:${key}`. */
  name: string;
  /** Attempts allowed per window. */
  points: number;
  /** Window length, seconds (it starts with the first attempt counted). */
  windowSeconds: number;
}

/** The 429 every rate limit answers with; the error filter turns retryAfterSeconds into Retry-After. */
export function rateLimited(msBeforeNext: number): CommonException {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new CommonException(CommonErrorCode.RATE_LIMITED, `Too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/**
 * Rate limits whose counters live in PostgreSQL (table rate_limits, rate-limiter-flexible's store)
 * on the app's own pool, so every instance on one database counts together.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterPostgres>();

  constructor(private readonly db: DataSource) {}

  private limiter(spec: LimitSpec): RateLimiterPostgres {
    const id = `${spec.name}/${spec.points}/${spec.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        storeClient: this.db,
        storeType: 'typeorm',
        tableName: 'rate_limits',
        tableCreated: true,
        // One limiter is enough to sweep the shared table.
        clearExpiredByTimeout: this.limiters.size === 0,
        keyPrefix: spec.name,
        points: spec.points,
        duration: spec.windowSeconds,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** Counts one attempt; RATE_LIMITED (429) once more than `points` were made in the window. */
  /** Counts one attempt; RATE_LIMITED once used up. `onLocked` runs once, on the attempt that first goes over. */
  async consume(spec: LimitSpec, key: string, onLocked?: () => Promise<void>): Promise<void> {
    try {
      await this.limiter(spec).consume(key);
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        if (onLocked && res.consumedPoints === spec.points + 1) await onLocked();
        throw rateLimited(res.msBeforeNext);
      }
      throw res;
    }
  }

  /** Gives back one attempt (e.g. a successful sign-in does not count against its address). */
  async reward(spec: LimitSpec, key: string): Promise<void> {
    await this.limiter(spec).reward(key, 1);
  }

  async reset(spec: LimitSpec, key: string): Promise<void> {
    await this.limiter(spec).delete(key);
  }
}
