import { createApp } from './app.factory';
import { configOrExit, onShutdownSignal } from './boot';
import { AppConfig } from './config/config';
import { resolveDatabase } from './database/database-url';
import { runMigrations } from './database/migrate';
import { createRootLogger } from './observability/logger';

/** What runs where, in a few lines: the first thing a person starting the app sees. */
export function startUpSummary(config: AppConfig, url: string): Record<string, string> {
  let database = `embedded PostgreSQL in ${config.dataDir}/pg (port ${config.embeddedPgPort})`;
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    database = `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  }
  let mail = 'outbox: no SMTP configured (every email is kept in PostgreSQL; admins read it at /admin/outbox)';
  if (config.mail.smtpUrl) {
    const u = new URL(config.mail.smtpUrl);
    mail = `SMTP ${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'smtps:' ? 465 : 587)}`;
  }
  const stripe = config.stripe.secretKey
    ? `configured${config.stripe.webhookSecret ? '' : ' (no STRIPE_WEBHOOK_SECRET: webhooks refused)'}${config.stripe.priceId ? '' : ' (no STRIPE_PRICE_ID: billing off)'}`
    : 'not configured (billing and Connect payouts off)';
  return { url: `${url} (API docs: ${url}/docs)`, database, mail, stripe, jobs: config.jobsEnabled ? 'worked in this process' : 'off in this process (JOBS_ENABLED=false)' };
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createRootLogger(config.logLevel, config.logFormat);
  const db = await resolveDatabase(config, (line) => logger.debug({ postgres: line }, 'embedded postgres'));
  logger.debug({ database: config.databaseUrl ? 'DATABASE_URL' : `embedded (${config.dataDir}/pg)` }, 'database ready');
  const applied = await runMigrations(db.url);
  if (applied.length && config.logFormat === 'json') logger.info({ migrations: applied }, 'migrations applied');
  else if (applied.length) logger.info(`${applied.length} migration(s) applied, last ${applied[applied.length - 1]}`);
  const app = await createApp(config, db.url, logger);
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    logger.info('http server and workers stopped');
    await db.stop();
    logger.info('stopped');
  });
  await app.listen(config.port);
  const summary = startUpSummary(config, `http://localhost:${config.port}`);
  if (config.logFormat === 'json') logger.info(summary, `Handshake is serving on ${summary.url}`);
  else if (config.logLevel !== 'silent') {
    const rows = Object.entries(summary).map(([k, v]) => `  ${(k + ':').padEnd(10)} ${v}`);
    process.stdout.write(`\nHandshake is running\n${rows.join('\n')}\n\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`handshake: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
