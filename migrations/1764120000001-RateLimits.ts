import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters of rate-limiter-flexible's PostgreSQL store, shared by every app instance: login
 * failures per account and per client address, code checks and supplier sign-up attempts.
 * `expire` (epoch milliseconds) is float8 rather than the library's bigint because this app reads
 * int8 as BigInt, which the library's arithmetic does not expect.
 */
export class RateLimits1764120000001 implements MigrationInterface {
  name = 'RateLimits1764120000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire float8)`);
    await q.query(`CREATE INDEX rate_limits_expire ON rate_limits (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
