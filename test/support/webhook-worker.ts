/**
 * A delivering process for the kill -9 test of outbound webhooks: boots the real app against the
 * test database with JOBS_ENABLED=true (so the delivery queue is worked) and no HTTP listener.
 */
import 'reflect-metadata';
import '../../src/database/bigint';
import pino from 'pino';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    COOKIE_SECURE: 'false',
    JOBS_ENABLED: 'true',
    PAYOUT_DETAILS_KEY: process.env.PAYOUT_DETAILS_KEY,
    WEBHOOK_TIMEOUT_MS: process.env.WEBHOOK_TIMEOUT_MS,
    WEBHOOK_RETRY_BASE_SECONDS: '1',
  });
  const app = await createApp(config, process.env.WORKER_DATABASE_URL!, pino({ level: 'silent' }));
  await app.init();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`webhook worker failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
