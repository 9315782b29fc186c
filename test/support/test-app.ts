import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';
import { runMigrations } from '../../src/database/migrate';

const adminUrl = (): string => {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `t_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl(), name);
  await runMigrations(url);
  return url;
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
  const config = loadConfig({ NODE_ENV: 'test', COOKIE_SECURE: 'false', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PORT: '0', PROMO_CHECK_LIMIT_PER_MINUTE: '100000', ...opts.env });
  const app = await createApp(config, databaseUrl, pino({ level: config.logLevel }));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  config.publicBaseUrl = `http://localhost:${port}`;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    config,
    db: app.get(DataSource),
    close: () => app.close(),
  };
}
