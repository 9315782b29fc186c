#!/usr/bin/env node
// Compiles with tsc (tsconfig.build.json) into dist/, drops compiled files whose source is gone (a
// moved spec must not keep running from dist/), and stamps the build.
//   node scripts/build.js              always build (npm run build)
//   node scripts/build.js --if-stale   build only when a source is newer than the last build's
//                                      stamp (npm start, npm run cli: ~0.1 s when nothing changed)
const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const SOURCE_DIRS = ['src', 'migrations', 'test', 'bench'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Every file under dir; with dirs, the directories too (each before its files). */
function* files(dir, dirs = false) {
  if (!existsSync(dir)) return;
  if (dirs) yield dir + '/';
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p, dirs);
    else yield p;
  }
}

/** The first source newer than the stamp, or undefined when the build is up to date. */
function staleBecause() {
  if (!existsSync(stamp)) return 'no build yet';
  const built = statSync(stamp).mtimeMs;
  const newer = (f) => statSync(f).mtimeMs > built;
  for (const f of SOURCE_FILES.map((f) => join(root, f))) if (existsSync(f) && newer(f)) return `${relative(root, f)} changed`;
  // A directory newer than the stamp had a file added, renamed or deleted.
  for (const d of SOURCE_DIRS) {
    for (const f of files(join(root, d), true)) if ((f.endsWith('.ts') || f.endsWith('.sql') || f.endsWith('/')) && newer(f)) return `${relative(root, f)} changed`;
  }
  return undefined;
}

/** Removes dist/<dir>/**.js (and maps) whose .ts no longer exists. */
function pruneOrphans() {
  for (const d of SOURCE_DIRS) {
    for (const f of files(join(dist, d))) {
      const m = /^(.*)\.js(\.map)?$/.exec(f);
      if (!m) continue;
      const source = join(root, relative(dist, m[1])) + '.ts';
      if (!existsSync(source)) rmSync(f, { force: true });
    }
  }
}

/** SQL files the code reads at run time (src/ledger/ledger-functions.sql) go beside the compiled modules. */
function copySql() {
  for (const f of files(join(root, 'src'))) {
    if (!f.endsWith('.sql')) continue;
    const target = join(dist, relative(root, f));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f, target);
  }
}

function build() {
  const tsc = require.resolve('typescript/bin/tsc');
  const started = new Date();
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  pruneOrphans();
  copySql();
  // Stamped with the start time: a source saved during the build makes the next call build again.
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  return Date.now() - started.getTime();
}

const ifStale = process.argv.includes('--if-stale');
const reason = ifStale ? staleBecause() : 'asked';
if (reason) {
  if (ifStale) process.stderr.write(`building (${reason})...\n`);
  const ms = build();
  if (ifStale) process.stderr.write(`built in ${(ms / 1000).toFixed(1)} s\n`);
}
