import { AddressInfo } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';
import { runMigrations } from '../../src/database/migrate';

/** Creates database `name` on the server of `adminUrl`, migrates it and returns its URL. */
export async function createMigratedDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  await runMigrations(u.toString());
  return u.toString();
}

export interface ListeningApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  db: DataSource;
}

/** The real app (test settings plus `env`) listening on a random loopback port. */
export async function listenOn(databaseUrl: string, env: Record<string, string>): Promise<ListeningApp> {
  const config = loadConfig({ NODE_ENV: 'test', COOKIE_SECURE: 'false', LOG_LEVEL: 'silent', PORT: '0', ...env });
  const app = await createApp(config, databaseUrl, pino({ level: config.logLevel }));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  config.publicBaseUrl = `http://localhost:${port}`;
  return { app, url: `http://127.0.0.1:${port}`, config, db: app.get(DataSource) };
}
