/**
 * The one retry/backoff rule of the app. Two shapes use it:
 *  - work retried later (a campaign send after a temporary SMTP failure, a Stripe event that
 *    failed): `backoffDelayMs` gives the wait before attempt n, doubling from a base up to a cap;
 *  - work retried at once inside one call (a batch that hit a deadlock, a random code that
 *    collided): `retry` runs it again while the error is one that a new attempt can cure.
 */
export interface BackoffPolicy {
  /** Wait after the first failure. */
  baseMs: number;
  /** Longest wait. */
  maxMs: number;
}

/** Wait before the next attempt after `failures` failed ones (1, 2, …): base · 2^(failures-1), at most max. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  if (!Number.isInteger(failures) || failures < 1) throw new Error(`failures must be a positive integer, got ${failures}`);
  // Past 2^30 the cap has long been reached; the exponent is bounded so the number stays finite.
  return Math.min(policy.baseMs * 2 ** Math.min(failures - 1, 30), policy.maxMs);
}

/** The waits for failures 1..n, for a caller that looks them up where the count is (e.g. in SQL). */
export function backoffSchedule(policy: BackoffPolicy, n: number): number[] {
  return Array.from({ length: n }, (_, i) => backoffDelayMs(i + 1, policy));
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Whether a new attempt can cure this error; others are thrown at once. */
  retryIf: (err: unknown) => boolean;
  /** Wait between attempts (none by default). */
  backoff?: BackoffPolicy;
}

/** Runs `work` until it succeeds, the error is not retryable, or the attempts are used up (then the last error is thrown). */
export async function retry<T>(work: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (attempt >= opts.attempts || !opts.retryIf(err)) throw err;
      if (opts.backoff) await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, opts.backoff!)));
    }
  }
}

/** A PostgreSQL error code, whether from pg directly or wrapped by TypeORM. */
export function pgErrorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
}

/** Deadlock (40P01) or serialization failure (40001): the transaction may simply be run again. */
export function isTransientConflict(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code === '40P01' || code === '40001';
}
