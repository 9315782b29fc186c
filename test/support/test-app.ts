import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/config';
import { createMigratedDatabase, listenOn } from './app-on-database';

const adminUrl = (): string => {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
};

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `t_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  return createMigratedDatabase(adminUrl(), name);
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  config: AppConfig;
  db: DataSource;
  close(): Promise<void>;
}

/** The real app, listening on a random port, on its own database (or a given one, for a second instance). */
export async function startTestApp(label: string, opts: { env?: Record<string, string>; databaseUrl?: string } = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase(label));
  // Tests sign up many accounts from one address; the rate-limit test sets its own low limit.
  const started = await listenOn(databaseUrl, { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PROMO_CHECK_LIMIT_PER_MINUTE: '100000', ...opts.env });
  return {
    ...started,
    databaseUrl,
    close: () => started.app.close(),
  };
}
