import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import { Client } from 'pg';
import { LEDGER_VERIFY_JOB } from '../src/ledger/ledger-verify.job';
import { PGBOSS_SCHEMA, PGBOSS_V10_RETIRED_SCHEMA, PGBOSS_V10_SCHEMA } from '../src/jobs/pgboss-v10-carryover';
import { createTestDatabase, startTestApp, TestApp } from './support/test-app';

// The queue library of the previous release, to lay down a v10 queue schema as an old .data/ has it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PgBossV10 = require('pg-boss-v10');

async function schemas(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pgboss%' ORDER BY 1`);
    return rows.map((r) => r.nspname);
  } finally {
    await c.end();
  }
}

async function waitForState(boss: PgBoss, queue: string, id: string, state: string): Promise<string | undefined> {
  let last: string | undefined;
  for (let i = 0; i < 120; i++) {
    const job = await boss.getJobById(queue, id);
    last = job?.state;
    if (last === state) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe('an install from before pg-boss 12 keeps its queue', () => {
  let url: string;
  let waitingId: string;
  const apps: TestApp[] = [];
  let reader: PgBoss | undefined;

  beforeAll(async () => {
    url = await createTestDatabase('jobs_upgrade');
    const old = new PgBossV10({ connectionString: url, supervise: false, schedule: false });
    await old.start();
    await old.createQueue(LEDGER_VERIFY_JOB);
    await old.createQueue('old.queue-that-is-gone');
    waitingId = await old.send(LEDGER_VERIFY_JOB, { from: 'v10' });
    await old.send('old.queue-that-is-gone', {});
    await old.stop({ graceful: false, wait: true });
  });

  afterAll(async () => {
    await reader?.stop({ graceful: false });
    for (const a of apps.reverse()) await a.close();
  });

  it('starts on pg-boss 12 in its own schema, carries the waiting v10 job over and runs it, once', async () => {
    assert.deepEqual(await schemas(url), [PGBOSS_V10_SCHEMA]);
    apps.push(await startTestApp('jobs_upgrade', { databaseUrl: url, env: { JOBS_ENABLED: 'true' } }));
    assert.deepEqual(await schemas(url), [PGBOSS_V10_RETIRED_SCHEMA, PGBOSS_SCHEMA].sort());

    reader = new PgBoss({ connectionString: url, schema: PGBOSS_SCHEMA, supervise: false, schedule: false, migrate: false });
    await reader.start();
    assert.equal(await waitForState(reader, LEDGER_VERIFY_JOB, waitingId, 'completed'), 'completed');

    // A second instance (and a restart) finds nothing left to carry over and works the same queue.
    apps.push(await startTestApp('jobs_upgrade', { databaseUrl: url, env: { JOBS_ENABLED: 'true' } }));
    assert.deepEqual(await schemas(url), [PGBOSS_V10_RETIRED_SCHEMA, PGBOSS_SCHEMA].sort());
    const fresh = await reader.send(LEDGER_VERIFY_JOB, { from: 'v12', n: randomUUID() });
    assert.ok(fresh);
    assert.equal(await waitForState(reader, LEDGER_VERIFY_JOB, fresh, 'completed'), 'completed');
  });
});
