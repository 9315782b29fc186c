import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './support/test-app';

// The CLI as a person runs it (node dist/src/cli.js ...): a wrong call answers with one clear line
// (and the usage where that helps), never a stack trace.
const cli = join(__dirname, '..', 'src', 'cli.js');
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase('cli');
  env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: mkdtempSync(join(tmpdir(), 'handshake-cli-')), LOG_LEVEL: 'silent' };
});

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.trim().split('\n');
const noStack = (text: string) => assert.ok(!/^\s+at /m.test(text), `no stack trace expected:\n${text}`);

describe('CLI errors are one clear line', () => {
  it('lists the commands on help', async () => {
    const r = await run('help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /admin:create --email <email> --password <password>/);
  });

  it('unknown command', async () => {
    const r = await run('no:such');
    assert.equal(r.code, 64);
    assert.deepEqual(lines(r.stderr), ['unknown command "no:such"; `npm run cli -- help` lists the commands']);
  });

  it('missing argument: the message and the usage', async () => {
    const r = await run('admin:create', '--email', 'a@example.com');
    assert.equal(r.code, 64);
    assert.deepEqual(lines(r.stderr), ['--email and --password are required', 'usage: npm run cli -- admin:create --email <email> --password <password>']);
  });

  it('wrong role', async () => {
    const r = await run('staff:create', '--email', 'b@example.com', '--password', 'Quiet-Lantern-Orbit-57', '--role', 'boss');
    assert.equal(r.code, 64);
    assert.equal(lines(r.stderr)[0], '--role must be one of: finance, marketer, admin');
    noStack(r.stderr);
  });

  it('unknown option', async () => {
    const r = await run('webhooks:retry', '--fast');
    assert.equal(r.code, 64);
    assert.equal(lines(r.stderr).length, 2);
    assert.match(r.stderr, /--fast/);
  });

  it('missing file', async () => {
    const r = await run('audience:import', '/nonexistent/buyers.csv', '--audience', 'X');
    assert.equal(r.code, 1);
    assert.deepEqual(lines(r.stderr), ['handshake cli: /nonexistent/buyers.csv: no such file']);
  });

  it('a command that works still works', async () => {
    const r = await run('admin:create', '--email', 'admin@example.com', '--password', 'Quiet-Lantern-Orbit-57');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^created admin admin@example.com/);
  });
});
