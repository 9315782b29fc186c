import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { FakeStripe } from './support/fake-stripe';
import { connectEnv, FakeStripeConnect } from './support/fake-stripe-connect';
import { startTestApp, TestApp } from './support/test-app';
import { buildWorld, World } from './support/world';

/**
 * No state change on GET (a cross-site link or a link scanner must not change anything): every GET
 * route of the app's router is called anonymously and as each role, and no table may change.
 * Compared: row count and an md5 of every row of every table outside the pg-boss schema.
 * Left out (bookkeeping, not state a person changes): GET_EXEMPT_TABLES below.
 * Not in the router and writing on purpose: the open pixel and click redirect of tracked email
 * (TrackingHitsMiddleware, before Nest's router): recording that an email was opened is their job.
 */
const GET_EXEMPT_TABLES: string[] = [
  // The append-only finance audit trail records who looked at a payout preview (an access log).
  'finance_audit_log',
  // Attempt counters of the shared rate limiter: a promo-code check counts against the caller's
  // limit (that is what stops guessing codes), and changes no state a person owns.
  'rate_limits',
  // Sliding session expiry: an authenticated request renews last_seen_at (at most once a minute).
  'auth_sessions',
  // Visits of a referral link (GET /join?ref=CODE): counting them is the link's job, like the open
  // pixel's. One INSERT … ON CONFLICT DO NOTHING per visitor, code and day; no business state.
  'link_visits',
];

let t: TestApp;
let w: World;
let fake: FakeStripe;
beforeAll(async () => {
  // Stripe Connect configured: GET /cabinet/payout-details/connect/refresh once started onboarding.
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake);
  t = await startTestApp('get_writes_nothing', { env: connectEnv(fake) });
  w = await buildWorld(t);
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

async function snapshot(): Promise<Map<string, string>> {
  const tables = (await t.db.query(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pgboss%' ORDER BY 1`,
  )) as { name: string }[];
  const out = new Map<string, string>();
  for (const { name } of tables) {
    if (GET_EXEMPT_TABLES.includes(name.replace(/^public\./, ''))) continue;
    const [row] = await t.db.query(`SELECT count(*)::text AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM ${name} x`);
    out.set(name, `${row.n}:${row.h}`);
  }
  return out;
}

/** Every GET route the router knows, as Express sees them. */
function getRoutes(): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  const paths = express.router.stack.filter((l) => l.route?.methods.get).map((l) => l.route!.path);
  return [...new Set(paths)].sort();
}

/** Real ids where the route names one, so the handler runs past its lookup. */
function fill(path: string): string {
  const byPrefix: [RegExp, string][] = [
    [/^\/api\/campaigns\/:id|^\/console\/campaigns\/:id/, w.campaignId],
    [/^\/api\/audiences\/:id/, w.audienceId],
    [/^\/api\/payouts\/batches\/:id|^\/finance\/payouts\/batches\/:id/, w.batchId],
    [/^\/api\/exchange\/leads\/:id/, w.leadId],
    [/^\/api\/exchange\/members\/:id/, w.partner.id],
    [/^\/api\/referrers\/:id/, w.referrer.id],
    [/^\/admin\/referrers\/:id/, w.referrer.id],
    [/^\/admin\/suppliers\/:id/, w.supplier.id],
  ];
  const id = byPrefix.find(([r]) => r.test(path))?.[1] ?? randomUUID();
  return path
    .replace(':id', id)
    .replace(':referrerId', w.referrer.id)
    .replace(':code', w.referrer.code)
    .replace(/:[A-Za-z]+/g, randomUUID());
}

describe('GET writes nothing', () => {
  it('every GET route, anonymous and as each role, leaves every table as it was', async () => {
    const routes = getRoutes();
    assert.ok(routes.length > 40, `only ${routes.length} GET routes found`);
    assert.ok(routes.includes('/cabinet/payout-details/connect/refresh'));
    const who: [string, Record<string, string>][] = [
      ['anonymous', {}],
      ['referrer (cookie)', { cookie: `hs_session=${w.referrer.token}` }],
      ['referrer (bearer)', { authorization: `Bearer ${w.referrer.token}` }],
      ['supplier', { cookie: `hs_session=${w.supplier.token}` }],
      ['partner', { cookie: `hs_session=${w.partner.token}` }],
      ['finance', { cookie: `hs_session=${w.finance}` }],
      ['marketer', { cookie: `hs_session=${w.marketer}` }],
      ['admin', { cookie: `hs_session=${w.admin}` }],
    ];
    const before = await snapshot();
    const changed: string[] = [];
    const statuses = new Map<number, number>();
    for (const route of routes) {
      for (const [name, headers] of who) {
        const path = fill(route);
        for (const accept of ['text/html', 'application/json']) {
          const res = await request(t.url).get(path).set(headers).set('accept', accept).redirects(0);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
        const after = await snapshot();
        for (const [table, sig] of after) if (before.get(table) !== sig) changed.push(`GET ${path} as ${name} changed ${table}`);
        for (const table of before.keys()) if (!after.has(table)) changed.push(`GET ${path} as ${name} dropped ${table}`);
        if (changed.length) {
          before.clear();
          after.forEach((v, k) => before.set(k, v));
        }
      }
    }
    assert.deepEqual(changed, [], `GET routes that wrote:\n${changed.join('\n')}`);
    assert.ok((statuses.get(500) ?? 0) === 0, `5xx answers: ${statuses.get(500)}`);
  });
});
