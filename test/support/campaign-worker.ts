/**
 * A sending process for the kill-and-resume test: boots the real app against the test database
 * with JOBS_ENABLED=true (so the campaign sender loops run) and SMTP pointed at the test's sink.
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
    SMTP_URL: process.env.SMTP_URL,
    MAIL_RATE_PER_SECOND: process.env.MAIL_RATE_PER_SECOND,
  });
  const app = await createApp(config, process.env.WORKER_DATABASE_URL!, pino({ level: 'silent' }));
  await app.init();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`campaign worker failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
