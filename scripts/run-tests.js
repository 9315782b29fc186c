#!/usr/bin/env node
// Runs the compiled test files with Jest against real PostgreSQL: the server named by DATABASE_URL,
// or a throwaway embedded one. Each test file creates its own database.
//   npm test                 all tests
//   npm test -- ledger       only files whose path contains "ledger"
// Jest loads NestJS 12's ES-module packages from our CommonJS build through require(esm), which it
// supports on Node >= 24.9 with --experimental-vm-modules.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const net = require('node:net');
const os = require('node:os');

const root = join(__dirname, '..');
const filters = process.argv.slice(2);

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

/** Compiled specs whose .ts source is gone (tsc never deletes outputs) would still run: remove them. */
function removeOrphanSpecs(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    const full = join(dir, name);
    if (entry.isDirectory()) removeOrphanSpecs(full);
    else if (name.endsWith('.spec.js')) {
      const source = join(root, full.slice(join(root, 'dist').length + 1)).replace(/\.js$/, '.ts');
      if (!existsSync(source)) {
        rmSync(full, { force: true });
        rmSync(`${full}.map`, { force: true });
      }
    }
  }
}

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function main() {
  removeOrphanSpecs(join(root, 'dist'));
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
  const results = join(mkdtempSync(join(os.tmpdir(), 'handshake-jest-')), 'results.json');
  const args = [join(root, 'node_modules/jest/bin/jest.js'), '--config', join(root, 'jest.config.js'), '--json', `--outputFile=${results}`];
  if (filters.length) args.push(...filters.map(escapeRegex));
  const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--enable-source-maps', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' ');
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', NODE_OPTIONS: nodeOptions, TEST_ADMIN_DATABASE_URL: adminUrl, DATABASE_URL: '' },
  });
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await stop();
  let summary = null;
  try {
    summary = JSON.parse(readFileSync(results, 'utf8'));
    rmSync(results, { force: true });
  } catch {
    /* Jest did not get as far as writing results */
  }
  // A file that failed to run (a crashed worker, a syntax error) has no failed test in it: count it
  // as one, so the last line never says 0 failed when Jest did not pass.
  if (summary) {
    const brokenFiles = summary.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')).length;
    console.log(`Tests: ${summary.numPassedTests} passed, ${summary.numFailedTests + brokenFiles} failed`);
  }
  else console.log('Tests: 0 passed, 1 failed');
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
