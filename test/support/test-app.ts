import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/config';
import { LedgerService } from '../../src/ledger/ledger.service';
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

/**
 * The real app, listening on a random port, on its own database (or a given one, for a second instance).
 * Closing it verifies the ledger the file's scenarios left behind (every posting balanced, every
 * balance the sum of its entries, every overdraft allowed): a scenario that broke the ledger fails
 * even when its own assertions passed. A file that corrupts the ledger on purpose says so.
 */
export async function startTestApp(label: string, opts: { env?: Record<string, string>; databaseUrl?: string; corruptsLedger?: boolean } = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase(label));
  // Tests sign up many accounts from one address; the rate-limit test sets its own low limit.
  const started = await listenOn(databaseUrl, { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PROMO_CHECK_LIMIT_PER_MINUTE: '100000', ...opts.env });
  return {
    ...started,
    databaseUrl,
    close: async () => {
      try {
        if (!opts.corruptsLedger) {
          const report = await started.app.get(LedgerService).verify();
          if (!report.ok) throw new Error(`the ledger does not verify after this file's scenarios: ${report.firstDiscrepancy}`);
        }
      } finally {
        await started.app.close();
      }
    },
  };
}
