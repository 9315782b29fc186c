#!/usr/bin/env node
// npm run bench -- <name> [args]: runs the compiled benchmark dist/bench/<name>.js.
const { spawn } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const [name, ...args] = process.argv.slice(2);
const dir = join(__dirname, '..', 'dist', 'bench');
const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none built)'}`);
  process.exit(64);
}
// The app runs in the benchmark's process, so it gets the Node flags of `npm start` (package.json),
// heap sizing included: rss_mb is then the app's memory as it is run.
const startFlags = require('../package.json').scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
const child = spawn(process.execPath, [...startFlags, '--expose-gc', join(dir, `${name}.js`), ...args], { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV || 'test' } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
