import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../bench/support/bench-env';
import { PASSWORD, uniqueEmail } from './support/fixtures';

const root = join(__dirname, '..', '..');

/** `npm start` as a new user runs it: no DATABASE_URL, so the embedded PostgreSQL under the data dir. */
async function startApp(dataDir: string, port: number, pgPort: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [join(root, 'dist/src/main.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), NODE_ENV: 'development', LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
    if (ok) return { child, url, output: () => out };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`app did not become healthy:\n${out}`);
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('npm start with the embedded database', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'handshake-start-')), '.data');
  let running: ChildProcess | undefined;
  afterAll(() => running?.kill('SIGKILL'));

  it('keeps data under the data dir across a clean SIGTERM/SIGINT restart', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const first = await startApp(dataDir, port, pgPort);
    running = first.child;
    const email = uniqueEmail('restart');
    await request(first.url).post('/api/referrers').send({ email, password: PASSWORD, fullName: 'Re Start', companyName: 'Persist', acceptedOfferVersion: 1 }).expect(201);
    assert.equal(await stop(first.child, 'SIGTERM'), 0);
    assert.match(first.output(), /"msg":"stopped"/);
    // Structured JSON logs carrying the correlation id.
    const logLine = first.output().split('\n').find((l) => l.includes('"url":"/api/referrers"'));
    assert.ok(logLine && JSON.parse(logLine).correlationId);

    const second = await startApp(dataDir, port, pgPort);
    running = second.child;
    await request(second.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
    assert.equal(await stop(second.child, 'SIGINT'), 0);
    running = undefined;
  });
});
