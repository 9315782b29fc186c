import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { JobInsert, PgBoss } from 'pg-boss';

/** pg-boss 12 lives in its own schema: pg-boss cannot migrate a v10 schema (version 24) in place. */
export const PGBOSS_SCHEMA = 'pgboss_v12';
/** Where installs from before the upgrade (pg-boss 10) kept their queues. */
export const PGBOSS_V10_SCHEMA = 'pgboss';
/** The v10 schema is renamed to this once its pending jobs are carried over, so it is never read twice. */
export const PGBOSS_V10_RETIRED_SCHEMA = 'pgboss_v10_retired';
const V10_SCHEMA_VERSION = 24;
const LOCK_KEY = 7_301_024; // advisory lock: one instance carries over, the others wait and see it done

interface V10Job {
  id: string;
  name: string;
  data: object | null;
  priority: number;
  retry_limit: number;
  retry_count: number;
  retry_delay: number;
  retry_backoff: boolean;
  start_after: Date;
  singleton_key: string | null;
}

/**
 * The pg-boss maintainers' upgrade path from v10: install the new version in a fresh schema and move
 * the jobs still waiting (created, retry, or cut off while active) with the API. Runs at start,
 * before any worker; a no-op on a new install and after the first run.
 * Returns how many jobs were carried over.
 */
export async function carryOverPgBossV10Jobs(connectionString: string, boss: PgBoss, knownQueues: ReadonlySet<string>, logger = new Logger('Jobs')): Promise<number> {
  const client = new Client({ connectionString, application_name: 'handshake-jobs-upgrade' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    const version = await v10Version(client);
    if (version === null) return 0;
    if (version !== V10_SCHEMA_VERSION) {
      throw new Error(`the queue schema "${PGBOSS_V10_SCHEMA}" is pg-boss schema version ${version}; only version ${V10_SCHEMA_VERSION} (pg-boss 10) can be carried over`);
    }
    const { rows } = await client.query<V10Job>(
      `SELECT id, name, data, priority, retry_limit, retry_count, retry_delay, retry_backoff, start_after, singleton_key
         FROM ${PGBOSS_V10_SCHEMA}.job
        WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '\\_\\_pgboss%'
        ORDER BY created_on`,
    );
    let carried = 0;
    const byQueue = new Map<string, V10Job[]>();
    for (const job of rows) {
      if (!knownQueues.has(job.name)) {
        logger.warn({ queue: job.name, id: job.id }, 'pg-boss 10 job for a queue this version no longer has: left in the retired schema');
        continue;
      }
      byQueue.set(job.name, [...(byQueue.get(job.name) ?? []), job]);
    }
    for (const [queue, jobs] of byQueue) {
      const inserts: JobInsert[] = jobs.map((j) => ({
        id: j.id,
        data: j.data ?? {},
        priority: j.priority,
        retryLimit: Math.max(0, j.retry_limit - j.retry_count),
        retryDelay: j.retry_delay,
        retryBackoff: j.retry_backoff,
        startAfter: j.start_after,
        singletonKey: j.singleton_key ?? undefined,
      }));
      await boss.insert(queue, inserts);
      carried += inserts.length;
    }
    await client.query(`ALTER SCHEMA ${PGBOSS_V10_SCHEMA} RENAME TO ${PGBOSS_V10_RETIRED_SCHEMA}`);
    logger.log({ carried }, `queue upgraded from pg-boss 10: ${carried} waiting job(s) carried over; the old schema is kept as ${PGBOSS_V10_RETIRED_SCHEMA}`);
    return carried;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function v10Version(client: Client): Promise<number | null> {
  const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'version'`, [PGBOSS_V10_SCHEMA]);
  if (exists.rowCount === 0) return null;
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${PGBOSS_V10_SCHEMA}.version`);
  return rows.length ? Number(rows[0].version) : null;
}
