import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/config';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { createMigratedDatabase, listenOn } from '../../test/support/app-on-database';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface BenchEnv {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  config: AppConfig;
  db: DataSource;
  close(): Promise<void>;
}

export interface BenchDatabase {
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Server settings a benchmark asks the throwaway server for: `statements` loads pg_stat_statements
 * (a DATABASE_URL server must have it already).
 */
export const STATEMENT_STATS = ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all', 'pg_stat_statements.track_planning=on'];

/** A fresh, migrated database: a throwaway embedded PostgreSQL unless DATABASE_URL is set. */
export async function startBenchDatabase(label: string, settings?: string[]): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) return { databaseUrl: await createMigratedDatabase(process.env.DATABASE_URL, `bench_${label}_${Date.now()}`), stop: async () => undefined };
  const dir = join(mkdtempSync(join(tmpdir(), `handshake-bench-${label}-`)), 'pg');
  const pg = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'bench', persistent: false, settings });
  await runMigrations(pg.url);
  return { databaseUrl: pg.url, stop: pg.stop };
}

/**
 * A fresh database (a throwaway embedded PostgreSQL unless DATABASE_URL is set) with the real app
 * listening on a random port, in this process, so peak RSS covers the app.
 */
export async function startBenchEnv(label: string, env: Record<string, string> = {}, database?: BenchDatabase): Promise<BenchEnv> {
  const { databaseUrl, stop: stopDb } = database ?? (await startBenchDatabase(label));
  const started = await listenOn(databaseUrl, env);
  return {
    ...started,
    databaseUrl,
    close: async () => {
      await started.app.close();
      await stopDb();
    },
  };
}

/** Peak resident memory of this process (the app runs in it), in MiB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Peak memory per phase, sampled every 20 ms: `phase(name)` closes the phase that is running and
 * `summary()` gives `name:rss=..,heap=..,ext=..` per phase (MB), to show which phase sets rss_mb.
 * With BENCH_MEM_LOG=1 it also writes rss and heap to stderr every 2 s; with BENCH_MEM_GC=1 each
 * phase ends with a full collection and adds the live heap after it (`live=`), which tells live
 * data from garbage V8 has not collected yet.
 */
export function memoryPhases(): { phase(name: string): void; summary(): string; stop(): void } {
  const mb = (n: number) => Math.round(n / 1048576);
  let peak = { rss: 0, heap: 0, ext: 0 };
  const sample = () => {
    const u = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, u.rss), heap: Math.max(peak.heap, u.heapUsed), ext: Math.max(peak.ext, u.external + u.arrayBuffers) };
  };
  const sampler = setInterval(sample, 20);
  sampler.unref();
  const started = Date.now();
  const logger = process.env.BENCH_MEM_LOG
    ? setInterval(() => {
        const u = process.memoryUsage();
        process.stderr.write(`mem t=${((Date.now() - started) / 1000).toFixed(0)}s rss=${mb(u.rss)} heap=${mb(u.heapUsed)}/${mb(u.heapTotal)} ext=${mb(u.external + u.arrayBuffers)}\n`);
      }, 2000)
    : undefined;
  logger?.unref();
  const phases: string[] = [];
  return {
    phase(name: string) {
      sample();
      const gc = process.env.BENCH_MEM_GC ? (globalThis as { gc?: () => void }).gc : undefined;
      gc?.();
      const live = gc ? `,live=${mb(process.memoryUsage().heapUsed)}` : '';
      phases.push(`${name}:rss=${mb(peak.rss)},heap=${mb(peak.heap)},ext=${mb(peak.ext)}${live}`);
      peak = { rss: 0, heap: 0, ext: 0 };
    },
    summary: () => phases.join(' '),
    stop() {
      clearInterval(sampler);
      if (logger) clearInterval(logger);
    },
  };
}

/** Percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A one-line progress indicator on stderr for long phases. */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 10)) !== 0) return;
  process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${label}: ${done}/${total}${process.stderr.isTTY ? '' : '\n'}`);
  if (done === total && process.stderr.isTTY) process.stderr.write('\n');
}

/**
 * CPU time (ms) used so far by this process's PostgreSQL descendants (the embedded server and its
 * backends, exited ones through their parent's children time), from /proc; undefined where there is
 * no /proc or the database is not a child (DATABASE_URL set). Deltas of two readings split a
 * phase's CPU between the app and the database.
 */
export function postgresCpuMs(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const procs = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      // fields after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 1-based from state
      procs.set(Number(d), { ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // exited meanwhile
    }
  }
  let ticks = 0;
  let found = false;
  const queue = [process.pid];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const [pid, p] of procs) {
      if (p.ppid !== parent) continue;
      queue.push(pid);
      if (p.comm.startsWith('postgres')) {
        ticks += p.ticks;
        found = true;
      }
    }
  }
  return found ? (ticks * 1000) / 100 : undefined; // USER_HZ is 100 on Linux
}
