import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PgBoss, type SendOptions } from 'pg-boss';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DATABASE_URL } from '../config/database-url.token';
import { carryOverPgBossV10Jobs, PGBOSS_SCHEMA } from './pgboss-v10-carryover';

export interface JobDefinition<T extends object = object> {
  /** Queue name, e.g. "ledger.release-holds". */
  name: string;
  handler: (data: T) => Promise<void>;
  /** Run on this cron schedule (pg-boss cron, UTC), in addition to explicit sends. */
  cron?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** Jobs fetched per poll and run concurrently by this instance. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
  /** pg-boss queue policy; "singleton" runs one job of the queue at a time across instances. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

/**
 * Background work on a PostgreSQL-backed queue (pg-boss), so several app instances share it with
 * no extra service. Features register their jobs in onModuleInit; workers start after boot.
 * JOBS_ENABLED=false leaves queues unworked (tests that drive a job by hand).
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, JobDefinition<any>>();
  private boss?: PgBoss;
  private started?: Promise<PgBoss>;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  register<T extends object>(def: JobDefinition<T>): void {
    if (this.definitions.has(def.name)) throw new Error(`Job ${def.name} registered twice`);
    this.definitions.set(def.name, def);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const boss = await this.ensureStarted();
    for (const def of this.definitions.values()) {
      await boss.work<object>(def.name, { batchSize: def.batchSize ?? 1, pollingIntervalSeconds: def.pollingIntervalSeconds ?? 1 }, async (jobs: { data: object }[]) => {
        for (const job of jobs) await def.handler(job.data);
      });
      if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
    }
  }

  /** Enqueue a job; `singletonKey` makes a duplicate send a no-op while one is queued. */
  async send(name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`Unknown job ${name}`);
    const boss = await this.ensureStarted();
    return boss.send(name, data, options);
  }

  /** Runs a registered job's handler now, in this process (CLI commands and tests). */
  async runNow(name: string, data: object = {}): Promise<void> {
    const def = this.definitions.get(name);
    if (!def) throw new Error(`Unknown job ${name}`);
    await def.handler(data);
  }

  private ensureStarted(): Promise<PgBoss> {
    this.started ??= (async () => {
      const boss = new PgBoss({ connectionString: this.databaseUrl, schema: PGBOSS_SCHEMA, max: 4, application_name: 'handshake-jobs', schedule: true, supervise: true });
      // Once shutdown began, connections cut by the database stopping are expected, not errors.
      boss.on('error', (err: Error) => (this.stopping ? this.logger.debug({ err }, 'queue error during shutdown') : this.logger.error({ err }, 'queue error')));
      await boss.start();
      for (const def of this.definitions.values()) {
        const existing = await boss.getQueue(def.name);
        if (!existing) {
          await boss.createQueue(def.name, {
            policy: def.policy ?? 'standard',
            retryLimit: def.retryLimit ?? 5,
            retryDelay: def.retryDelaySeconds ?? 5,
            retryBackoff: def.retryBackoff ?? true,
          });
        }
      }
      // Installs from before pg-boss 12 kept their queues in the v10 schema: carry waiting jobs over once.
      await carryOverPgBossV10Jobs(this.databaseUrl, boss, new Set(this.definitions.keys()), this.logger);
      this.boss = boss;
      return boss;
    })();
    return this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.started) {
      const boss = await this.started.catch(() => undefined);
      await boss?.stop({ graceful: true, timeout: 10_000 }).catch(() => undefined);
    }
  }
}
