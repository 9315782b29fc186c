import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/config';
import { resolveDatabase } from '../database/database-url';
import { runMigrations } from '../database/migrate';
import type { CliContext } from '../common/cli-command';

export type { CliContext };

/** Boots the services (no HTTP) against the same database `npm start` uses, for one command. */
export async function withCliContext<T>(config: AppConfig, run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const db = await resolveDatabase(config, () => undefined);
  try {
    await runMigrations(db.url);
    // A command does its own work; queue workers belong to the running app instances.
    const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, jobsEnabled: false }, db.url), { logger: false });
    try {
      return await run({ app, config, out: (line) => process.stdout.write(line + '\n') });
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
