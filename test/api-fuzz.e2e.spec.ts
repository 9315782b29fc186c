import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { ALL_ROLES, Role } from '../src/access/role';
import { member } from './exchange-fixtures';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, FakeStripeBilling, signUpSupplier } from './support/fake-stripe-billing';
import { FakeStripeConnect } from './support/fake-stripe-connect';
import { PASSWORD, registerReferrer, staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Generated from the OpenAPI document (/docs-json):
 *  - the authorization matrix: every operation × every role its `x-roles` does not list (and
 *    anonymous callers) must get 401/403, never 2xx;
 *  - a fuzz run: wrong types, NULs, huge numbers, long strings and bad ids in path, query and body,
 *    as anonymous and as each allowed role: no answer may be 5xx.
 */
type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; allOf?: Schema[] };
interface Operation {
  method: string;
  path: string;
  roles: string[];
  params: { name: string; in: string }[];
  body?: Schema;
}

let t: TestApp;
let fake: FakeStripe;
const ops: Operation[] = [];
let components: Record<string, Schema> = {};
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  // Stripe is configured (a local fake), so no answer is "not configured" (503).
  fake = await new FakeStripe().start();
  new FakeStripeBilling(fake);
  new FakeStripeConnect(fake);
  t = await startTestApp('api_fuzz', { env: { ...billingEnv(fake), JOBS_ENABLED: 'false' } });
  const doc = (await request(t.url).get('/docs-json').expect(200)).body;
  components = doc.components?.schemas ?? {};
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method, path, roles: op['x-roles'] ?? [], params: op.parameters ?? [], body });
    }
  }
  const admin = await staffToken(t, Role.Admin);
  tokens[Role.Admin] = admin;
  tokens[Role.Finance] = await staffToken(t, Role.Finance);
  tokens[Role.Marketer] = await staffToken(t, Role.Marketer);
  tokens[Role.Referrer] = (await registerReferrer(t)).token;
  tokens[Role.Supplier] = (await signUpSupplier(t.url)).token;
  tokens[Role.Partner] = (await member(t, admin)).token;
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const resolve = (s: Schema | undefined): Schema | undefined => {
  if (!s) return undefined;
  if (s.$ref) return resolve(components[s.$ref.split('/').pop()!]);
  if (s.allOf?.length) return resolve(s.allOf[0]);
  return s;
};

/** A concrete path: each {param} replaced by `value`. */
const fill = (path: string, value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(name)));

function send(op: Operation, path: string, token: string | undefined, query: Record<string, string>, body: unknown): request.Test {
  let r = (request(t.url) as any)[op.method](path) as request.Test;
  if (token) r = r.set('Authorization', `Bearer ${token}`);
  if (Object.keys(query).length) r = r.query(query);
  if (op.method !== 'get' && op.method !== 'delete') r = r.set('Content-Type', 'application/json').send(JSON.stringify(body ?? {}));
  return r;
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const protectedOps = () => ops.filter((o) => !o.roles.includes('public'));

it('the OpenAPI document lists the operations and the roles of each', () => {
  assert.ok(ops.length > 50, `operations: ${ops.length}`);
  const unstated = ops.filter((o) => o.roles.length === 0).map((o) => `${o.method.toUpperCase()} ${o.path}`);
  assert.deepEqual(unstated, [], 'every operation states x-roles');
});

it('authorization matrix: a role an operation does not list never gets in', async () => {
  const probes: { op: Operation; role: Role | 'anonymous' }[] = [];
  for (const op of protectedOps()) {
    probes.push({ op, role: 'anonymous' });
    for (const role of ALL_ROLES) if (!op.roles.includes(role)) probes.push({ op, role });
  }
  const unexpected: string[] = [];
  let allowed2xx = 0;
  await pool(probes, 6, async ({ op, role }) => {
    const res = await send(op, fill(op.path, () => randomUUID()), role === 'anonymous' ? undefined : tokens[role], {}, {});
    if (res.status >= 200 && res.status < 300) allowed2xx++;
    if (res.status !== 401 && res.status !== 403) unexpected.push(`${role} ${op.method.toUpperCase()} ${op.path} -> ${res.status}`);
  });
  console.log(`authorization matrix: ${probes.length} probes over ${protectedOps().length} protected operations and ${ALL_ROLES.length} roles + anonymous; unexpected 2xx: ${allowed2xx}; answers other than 401/403: ${unexpected.length}`);
  assert.equal(allowed2xx, 0);
  assert.deepEqual(unexpected, []);
});

// Hostile values, drawn once with a fixed seed so every run sends the same probes.
const NUL = 'a\u0000b';
const HUGE = ['99999999999999999999999999999', '-99999999999999999999999999999', '1e400', '9223372036854775808', '2147483648', '-1'];
const badScalar = fc.oneof(
  fc.constantFrom<unknown>(NUL, '\u0000', 'x'.repeat(20_000), '', null, true, [], {}, { $gt: '' }, [NUL], ...HUGE, 1e308, -1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, -1, 0.5),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);
const badIds = ['not-a-uuid', '\u0000', '99999999999999999999999999', 'x'.repeat(1_000), '-1', "1' OR '1'='1", randomUUID()];

function badBody(schema: Schema | undefined, rnd: () => unknown): unknown {
  const s = resolve(schema);
  if (!s?.properties) return rnd();
  const body: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(s.properties)) {
    const p = resolve(prop);
    body[name] = p?.type === 'array' ? [rnd(), rnd()] : p?.type === 'object' && p.properties ? badBody(p, rnd) : rnd();
  }
  return body;
}

it('fuzz: wrong types, NULs, huge numbers, long strings and bad ids never cause a 5xx', async () => {
  const values = fc.sample(badScalar, { numRuns: 4_000, seed: 10 });
  let i = 0;
  const rnd = () => values[i++ % values.length];
  const probes: { op: Operation; token?: string; path: string; query: Record<string, string>; body: unknown; who: string }[] = [];
  for (const op of ops) {
    // Logging out as a role would end that role's session for the rest of the run.
    const roles = op.roles.includes('public') ? [] : (op.roles as Role[]).filter((r) => tokens[r]);
    const callers: [string, string | undefined][] = [['anonymous', undefined], ...roles.map((r): [string, string] => [r, tokens[r]!])];
    if (op.path === '/api/auth/logout') callers.splice(1);
    for (const [who, token] of callers) {
      const variants = who === 'anonymous' && !op.roles.includes('public') ? 1 : 5;
      for (let v = 0; v < variants; v++) {
        const query: Record<string, string> = {};
        for (const p of op.params.filter((x) => x.in === 'query')) query[p.name] = String(rnd()).slice(0, 5_000);
        const path = fill(op.path, () => badIds[(i++) % badIds.length]);
        probes.push({ op, token, path, query, body: badBody(op.body, rnd), who });
      }
    }
  }
  const failures: string[] = [];
  let answered4xx = 0;
  await pool(probes, 6, async (p) => {
    const res = await send(p.op, p.path, p.token, p.query, p.body);
    if (res.status >= 500) failures.push(`${p.who} ${p.op.method.toUpperCase()} ${p.path.slice(0, 120)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    else if (res.status >= 400) answered4xx++;
  });
  console.log(`fuzz: ${probes.length} probes over ${ops.length} operations (anonymous and ${Object.keys(tokens).length} roles); 4xx: ${answered4xx}; 5xx: ${failures.length}`);
  assert.deepEqual(failures, []);
});

describe('bad input answers 4xx with the error shape', () => {
  it('a non-string email at login', async () => {
    for (const email of [42, ['a@b.example'], { $ne: '' }, true]) {
      const res = await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD });
      assert.ok(res.status === 400 || res.status === 401, `${JSON.stringify(email)} -> ${res.status}`);
      assert.ok(res.body.error.code);
    }
    const form = await request(t.url).post('/login').type('json').send({ email: 7, password: PASSWORD });
    assert.ok(form.status < 500, `page login -> ${form.status}`);
  });

  it('a NUL byte in a body field, a query value or a path is VALIDATION_FAILED and writes nothing', async () => {
    const before = Number((await t.db.query('SELECT count(*) AS n FROM users'))[0].n);
    const body = await request(t.url).post('/api/referrers').send({ email: 'nul@x.example', password: PASSWORD, fullName: 'A\u0000B', companyName: 'C', acceptedOfferVersion: 1 }).expect(400);
    assert.equal(body.body.error.code, 'VALIDATION_FAILED');
    assert.equal(body.body.error.details.field, 'body.fullName');
    const ru = await request(t.url).post('/api/referrers').set('Accept-Language', 'ru').send({ email: 'nul@x.example', password: PASSWORD, fullName: 'A\u0000B', companyName: 'C', acceptedOfferVersion: 1 }).expect(400);
    assert.match(ru.body.error.message, /NUL/);
    assert.match(ru.body.error.message, /символ/);
    const query = await request(t.url).get('/api/stripe/webhooks/events').query({ status: 'a\u0000' }).set('Authorization', `Bearer ${tokens[Role.Admin]}`).expect(400);
    assert.equal(query.body.error.code, 'VALIDATION_FAILED');
    const path = await request(t.url).get('/api/promo-codes/AB%00CD').expect(400);
    assert.equal(path.body.error.code, 'VALIDATION_FAILED');
    const form = await request(t.url).post('/register').type('form').send({ email: 'nul2@x.example', password: PASSWORD, fullName: 'A\u0000B' });
    assert.equal(form.status, 400);
    assert.equal(Number((await t.db.query('SELECT count(*) AS n FROM users'))[0].n), before);
  });

  it('a non-UUID id in a path and offsets beyond bigint are 4xx', async () => {
    const marketer = tokens[Role.Marketer]!;
    const res = await request(t.url).post('/api/audiences/not-a-uuid/imports').set('Authorization', `Bearer ${marketer}`).send({});
    assert.ok(res.status >= 400 && res.status < 500, `imports -> ${res.status}`);
    assert.ok(res.body.error.code);
    const admin = tokens[Role.Admin]!;
    for (const offset of ['99999999999999999999999', '9223372036854775808', '-5', '1e30']) {
      const list = await request(t.url).get('/api/stripe/webhooks/events').query({ offset, limit: offset }).set('Authorization', `Bearer ${admin}`);
      assert.ok(list.status < 500, `offset ${offset} -> ${list.status}`);
    }
  });
});
