/**
 * npm run bench -- tracking [opens] [clicks]
 * Open-pixel and click requests over HTTP with 50 keep-alive connections against the real app;
 * afterwards every request must be a recorded event and the unique counts must match the rows.
 * The load generator runs in a child process (this same file, started with --load) so that the
 * app's process has a core of its own; rss_mb is the app's process only.
 */
import { ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import { COUNTER_SHARDS } from '../src/funnel/funnel-counters';
import { signClick, signToken } from '../src/common/tracking-token';
import { peakRssMb, startBenchEnv } from './support/bench-env';

const LOAD_FLAG = '--load';
const OPENS = Number(process.argv[2] ?? 30_000);
const CLICKS = Number(process.argv[3] ?? 10_000);
const SENDS = 20_000;
const CONNECTIONS = 50;
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

interface LoadJob {
  base: string;
  paths: string[];
  expectStatus: number;
}

/** In the load child: requests `paths` over CONNECTIONS keep-alive sockets; returns requests per second. */
async function hammer({ base, paths, expectStatus }: LoadJob): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(base);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < paths.length; i = next++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get({ host: url.hostname, port: url.port, path: paths[i], agent, headers: { 'user-agent': UA } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === expectStatus ? resolve() : reject(new Error(`status ${res.statusCode} for ${paths[i]}`))));
          });
          req.on('error', reject);
        });
      }
    }),
  );
  agent.destroy();
  return paths.length / ((performance.now() - start) / 1000);
}

/** The child's side: one job per message, answered with its rate or its error. */
function serveLoadJobs(): void {
  process.on('message', (job: LoadJob) => {
    hammer(job).then(
      (perS) => process.send!({ perS }),
      (err: Error) => process.send!({ error: err.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** The parent's side: runs a job in the load child and waits for its rate. */
function runLoad(child: ChildProcess, job: LoadJob): Promise<number> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m: { perS?: number; error?: string }) => {
      child.off('exit', onExit);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.perS!);
    });
    child.send(job);
  });
}

async function main(): Promise<void> {
  const env = await startBenchEnv('tracking', { JOBS_ENABLED: 'false' });
  try {
    const db = env.db;
    const [a] = await db.query(`INSERT INTO audiences (name) VALUES ('bench') RETURNING id`);
    const [c] = await db.query(`INSERT INTO campaigns (name, audience_id, subject, body, status, listed) VALUES ('bench', $1, 's', 'b', 'sent', $2) RETURNING id`, [a.id, SENDS]);
    await db.query(`INSERT INTO campaign_counters (campaign_id, shard) SELECT $1, g FROM generate_series(0, $2 - 1) g`, [c.id, COUNTER_SHARDS]);
    await db.query(`INSERT INTO contacts (audience_id, email) SELECT $1, 't' || g || '@bench.example' FROM generate_series(1, $2) g`, [a.id, SENDS]);
    const ids: string[] = (
      await db.query(
        `INSERT INTO campaign_sends (campaign_id, contact_id, email, status, attempts, sent_at) SELECT $1, id, email, 'sent', 1, now() - interval '1 hour' FROM contacts WHERE audience_id = $2 RETURNING id::text AS id`,
        [c.id, a.id],
      )
    ).map((r: { id: string }) => r.id);
    const secret = env.config.trackingSecret;
    const pick = (i: number) => ids[(i * 7919) % ids.length];
    const opens = Array.from({ length: OPENS }, (_, i) => `/t/o/${signToken(secret, 'o', pick(i))}.gif`);
    const clicks = Array.from({ length: CLICKS }, (_, i) => `/t/c/${signClick(secret, pick(i), 'https://handshake.example/about')}`);
    const load = fork(__filename, [LOAD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // The machine's ceiling right now: a bare node:http server answering 200 (in this process), same client.
    const bare = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    let barePerS: number, opensPerS: number, clicksPerS: number;
    try {
      barePerS = await runLoad(load, { base: `http://127.0.0.1:${(bare.address() as { port: number }).port}`, paths: Array.from({ length: 10_000 }, () => '/'), expectStatus: 200 });
      bare.close();
      await runLoad(load, { base: env.url, paths: opens.slice(0, 500), expectStatus: 200 }); // warm-up (counted in the totals below)
      opensPerS = await runLoad(load, { base: env.url, paths: opens, expectStatus: 200 });
      clicksPerS = await runLoad(load, { base: env.url, paths: clicks, expectStatus: 302 });
    } finally {
      load.disconnect();
    }
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM tracking_events`);
    const expected = 500 + OPENS + CLICKS;
    if (n !== expected) throw new Error(`recorded ${n} events for ${expected} requests`);
    const [k] = await db.query(`SELECT sum(opened_human)::int AS opened, sum(clicked_human)::int AS clicked FROM campaign_counters WHERE campaign_id = $1`, [c.id]);
    const [rows] = await db.query(
      `SELECT count(*) FILTER (WHERE human_open_at IS NOT NULL)::int AS opened, count(*) FILTER (WHERE human_click_at IS NOT NULL)::int AS clicked FROM campaign_sends WHERE campaign_id = $1`,
      [c.id],
    );
    if (k.opened !== rows.opened || k.clicked !== rows.clicked) throw new Error(`counters ${JSON.stringify(k)} disagree with rows ${JSON.stringify(rows)}`);
    process.stdout.write(`events_recorded=${n} unique_opened=${k.opened} unique_clicked=${k.clicked} connections=${CONNECTIONS} bare_node_http_per_s=${Math.round(barePerS)}\n`);
    process.stdout.write(`rss_mb=${peakRssMb()}\n`); // the app's process; the load child is not counted
    process.stdout.write(`opens_per_s=${Math.round(opensPerS)} clicks_per_s=${Math.round(clicksPerS)}\n`);
  } finally {
    await env.close();
  }
}

if (process.argv[2] === LOAD_FLAG) {
  serveLoadJobs();
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
