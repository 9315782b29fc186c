import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { RouteAccessAuditor } from '../src/auth/route-access.auditor';
import { loadConfig } from '../src/config/config';
import { startTestApp, TestApp } from './support/test-app';

const root = join(__dirname, '..', '..');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('platform');
});
afterAll(() => t.close());

describe('operations endpoints', () => {
  it('GET /health answers 200 with the database state', async () => {
    const res = await request(t.url).get('/health').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.database.status, 'up');
    assert.ok(res.body.database.migrations >= 1);
  });

  it('GET /metrics serves Prometheus request counts and latencies', async () => {
    await request(t.url).get('/api/program').expect(200);
    const res = await request(t.url).get('/metrics').set('Authorization', `Bearer ${t.config.metricsToken}`).expect(200);
    assert.match(res.text, /http_requests_total\{method="GET",route="\/api\/program",status="200"\} \d+/);
    assert.match(res.text, /http_request_duration_seconds_bucket/);
  });

  it('echoes a caller correlation id and invents one otherwise', async () => {
    const mine = await request(t.url).get('/api/promo-codes/bad').set('x-correlation-id', 'test-corr-12345').expect(400);
    assert.equal(mine.headers['x-correlation-id'], 'test-corr-12345');
    assert.equal(mine.body.error.correlationId, 'test-corr-12345');
    const fresh = await request(t.url).get('/health');
    assert.match(fresh.headers['x-correlation-id'], /^[0-9a-f-]{36}$/);
  });

  it('serves the Swagger UI and an OpenAPI document in which every field is described', async () => {
    await request(t.url).get('/docs').redirects(1).expect(200).expect('content-type', /html/);
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    const undescribed: string[] = [];
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      for (const [field, prop] of Object.entries<any>(schema.properties ?? {})) if (!prop.description) undescribed.push(`${name}.${field}`);
    }
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const p of op.parameters ?? []) if (!p.description) undescribed.push(`${method.toUpperCase()} ${path} param ${p.name}`);
        assert.ok(op['x-roles'], `${method.toUpperCase()} ${path} does not state its roles`);
      }
    }
    assert.deepEqual(undescribed, []);
  });

  it('every route states which roles may use it', () => {
    assert.deepEqual(t.app.get(RouteAccessAuditor).unstatedRoutes(), []);
  });

  it('answers unexpected errors with 500 and no internals', async () => {
    await t.db.query('ALTER TABLE program_settings RENAME TO program_settings_gone');
    try {
      const res = await request(t.url).get('/api/program').expect(500);
      assert.equal(res.body.error.code, 'INTERNAL');
      assert.doesNotMatch(JSON.stringify(res.body), /program_settings|relation "|SELECT|\.js:/);
      assert.ok(res.body.error.correlationId);
    } finally {
      await t.db.query('ALTER TABLE program_settings_gone RENAME TO program_settings');
    }
  });

  it('unknown routes get the JSON error shape', async () => {
    const res = await request(t.url).get('/api/nothing-here').expect(404);
    assert.equal(res.body.error.code, 'NOT_FOUND');
  });
});

describe('configuration is validated at boot', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must use postgres:/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@localhost/db' }, /JWT_SECRET is required/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32/],
  ];
  for (const [env, message] of cases) {
    it(`refuses ${JSON.stringify(env)}`, () => assert.throws(() => loadConfig({ NODE_ENV: 'test', ...env }), message));
  }

  it('npm start stops with one line naming the problem', () => {
    const run = spawnSync(process.execPath, [join(root, 'dist/src/main.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'postgres//broken', NODE_ENV: 'test' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 2);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /configuration error: DATABASE_URL is not a valid URL/);
  });
});

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Mailpit and the app built from the Dockerfile', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
    const { postgres, mailpit, app } = compose.services;
    assert.match(postgres.image, /^postgres:\d+/);
    assert.ok(postgres.healthcheck?.test, 'postgres needs a healthcheck for depends_on');
    assert.match(mailpit.image, /mailpit/);
    assert.equal(app.build.dockerfile ?? 'Dockerfile', 'Dockerfile');
    assert.ok(readFileSync(join(root, app.build.dockerfile ?? 'Dockerfile'), 'utf8').includes('npm ci'));
    assert.equal(app.depends_on.postgres.condition, 'service_healthy');
    const env = app.environment;
    const db = new URL(env.DATABASE_URL);
    assert.equal(db.hostname, 'postgres');
    assert.equal(db.username, postgres.environment.POSTGRES_USER);
    assert.equal(db.password, postgres.environment.POSTGRES_PASSWORD);
    assert.equal(db.pathname.slice(1), postgres.environment.POSTGRES_DB);
    assert.equal(new URL(env.SMTP_URL).hostname, 'mailpit');
    assert.ok(app.ports.some((p: string) => String(p).endsWith(':3000')));
    assert.doesNotThrow(() => loadConfig({ ...env, NODE_ENV: env.NODE_ENV ?? 'production' }));
  });
});
