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
const child = spawn(process.execPath, ['--enable-source-maps', '--expose-gc', join(dir, `${name}.js`), ...args], { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV || 'test' } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
