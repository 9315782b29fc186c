import { join } from 'node:path';
import { AppConfig } from '../config/config';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';

/** DATABASE_URL when set; otherwise the embedded server whose data lives under `.data/pg`. */
export async function resolveDatabase(config: AppConfig, log: (line: string) => void): Promise<EmbeddedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  return startEmbeddedPostgres({
    dir: join(config.dataDir, 'pg'),
    port: config.embeddedPgPort,
    database: 'handshake',
    persistent: true,
    log,
  });
}
