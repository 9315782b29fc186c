import { createApp } from './app.factory';
import { configOrExit, onShutdownSignal } from './boot';
import { resolveDatabase } from './database/database-url';
import { runMigrations } from './database/migrate';
import { createRootLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createRootLogger(config.logLevel);
  const db = await resolveDatabase(config, (line) => logger.debug({ postgres: line }, 'embedded postgres'));
  logger.info({ database: config.databaseUrl ? 'DATABASE_URL' : `embedded (${config.dataDir}/pg)` }, 'database ready');
  const applied = await runMigrations(db.url);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const app = await createApp(config, db.url, logger);
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    logger.info('http server and workers stopped');
    await db.stop();
    logger.info('stopped');
  });
  await app.listen(config.port);
  logger.info(`Handshake is serving on http://localhost:${config.port} (API docs: /docs)`);
}

main().catch((err: Error) => {
  process.stderr.write(`handshake: failed to start: ${err.message}\n`);
  process.exit(1);
});
