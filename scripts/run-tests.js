#!/usr/bin/env node
// Runs the compiled test files with node's test runner against real PostgreSQL: the server named by
// DATABASE_URL, or a throwaway embedded one. Each test file creates its own database.
//   npm test                 all tests
//   npm test -- ledger       only files whose path contains "ledger"
const { spawn } = require('node:child_process');
const { readdirSync, statSync, mkdtempSync } = require('node:fs');
const { join, relative } = require('node:path');
const net = require('node:net');
const os = require('node:os');

const root = join(__dirname, '..');
const filters = process.argv.slice(2);

function specFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(specFiles(full));
    else if (name.endsWith('.spec.js')) out.push(full);
  }
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function main() {
  const files = ['dist/src', 'dist/test']
    .map((d) => join(root, d))
    .flatMap((d) => specFiles(d))
    .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
    .sort();
  if (files.length === 0) {
    console.error('no test files matched');
    process.exit(1);
  }
  let stop = async () => undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = require(join(root, 'dist/src/database/embedded-postgres.js'));
    const dir = join(mkdtempSync(join(os.tmpdir(), 'handshake-test-')), 'pg');
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dir, port, database: 'postgres', persistent: false });
    adminUrl = db.url;
    stop = db.stop;
    console.log(`test database: embedded PostgreSQL on port ${port}`);
  } else {
    console.log('test database: DATABASE_URL');
  }
  const concurrency = process.env.TEST_CONCURRENCY || String(Math.max(2, os.cpus().length));
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', TEST_ADMIN_DATABASE_URL: adminUrl, DATABASE_URL: '' },
  });
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await stop();
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
