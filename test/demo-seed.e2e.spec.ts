import assert from 'node:assert/strict';
import { Client } from 'pg';
import request from 'supertest';
import { withCliContext } from '../src/cli/cli-context';
import { loadConfig } from '../src/config/config';
import { demoSeedCommand } from '../src/demo/demo-seed.command';
import { listenOn } from './support/app-on-database';
import { createTestDatabase } from './support/test-app';

/** Runs `demo:seed` as the CLI does, on the given database; returns its exit code and output. */
async function seed(databaseUrl: string): Promise<{ code: number; out: string[] }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, JWT_SECRET: 'demo-seed-test-jwt-secret-0123456789abcdef' });
  const out: string[] = [];
  const code = await withCliContext(config, (ctx) => demoSeedCommand.run([], { ...ctx, out: (line) => out.push(line) }));
  return { code, out };
}

async function rows(url: string, sql: string): Promise<any[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('demo:seed', () => {
  let url: string;
  let result: { code: number; out: string[] };
  beforeAll(async () => {
    url = await createTestDatabase('demo_seed');
    result = await seed(url);
  }, 300_000);

  it('builds a whole program through the product paths and the ledger verifies', async () => {
    assert.equal(result.code, 0, result.out.join('\n'));
    const text = result.out.join('\n');
    assert.match(text, /ledger:verify ok=true/);
    assert.match(text, /demo program ready/);
    const [counts] = await rows(
      url,
      `SELECT (SELECT count(*) FROM referrers)::int AS referrers, (SELECT count(*) FROM suppliers)::int AS suppliers,
              (SELECT count(*) FROM supplier_attributions)::int AS attributed,
              (SELECT count(*) FROM stripe_webhook_events)::int AS events, (SELECT count(*) FROM stripe_webhook_events WHERE status NOT IN ('processed', 'ignored'))::int AS unprocessed,
              (SELECT count(*) FROM commissions)::int AS commissions,
              (SELECT count(*) FROM payout_batches WHERE status = 'completed')::int AS paid_batches,
              (SELECT count(*) FROM payout_batches WHERE status = 'created')::int AS open_batches,
              (SELECT count(*) FROM campaign_sends)::int AS sends,
              (SELECT count(*) FROM tracking_events)::int AS tracking,
              (SELECT count(*) FROM exchange_members)::int AS members`,
    );
    assert.ok(counts.referrers >= 24 && counts.suppliers >= 50, JSON.stringify(counts));
    assert.ok(counts.attributed >= 40, JSON.stringify(counts));
    assert.ok(counts.events > 300, JSON.stringify(counts));
    assert.equal(counts.unprocessed, 0, 'every signed Stripe event was processed');
    assert.ok(counts.commissions > 250, JSON.stringify(counts));
    assert.deepEqual([counts.paid_batches, counts.open_batches], [1, 1]);
    assert.equal(counts.sends, 40);
    assert.ok(counts.tracking > 20);
    assert.equal(counts.members, 4);
    // A year of invoices: the earliest commission is most of a year old.
    const [span] = await rows(url, `SELECT (now() - min(paid_at)) > interval '300 days' AS year FROM commissions`);
    assert.equal(span.year, true);
    const deals = await rows(url, `SELECT DISTINCT deal_status FROM exchange_leads WHERE deal_status IS NOT NULL ORDER BY 1`);
    assert.ok(deals.length >= 3, JSON.stringify(deals));
  });

  it('charges the exchange fee on won leads, confirms most referrers’ addresses and counts referral link visits', async () => {
    // 2.5 % of the won deal, paid by the operator: the passing partner has it available.
    const [settings] = await rows(url, `SELECT fee_kind, fee_bp, fee_payer FROM exchange_settings`);
    assert.deepEqual(settings, { fee_kind: 'percent', fee_bp: 250, fee_payer: 'operator' });
    const fees = await rows(url, `SELECT f.amount::text AS amount, l.won_value::text AS won FROM exchange_fees f JOIN exchange_leads l ON l.id = f.lead_id`);
    assert.ok(fees.length >= 1, 'a won lead earned a fee');
    for (const f of fees) assert.equal(BigInt(f.amount), (BigInt(f.won) * 250n) / 10_000n);
    // Most referrers confirmed their address by the product's link; two did not (the banner shows).
    const [confirmed] = await rows(
      url,
      `SELECT count(*) FILTER (WHERE u.email_verified_at IS NOT NULL)::int AS yes, count(*) FILTER (WHERE u.email_verified_at IS NULL)::int AS no
         FROM referrers r JOIN users u ON u.id = r.user_id WHERE r.created_at <= (SELECT min(created_at) FROM suppliers)`,
    );
    assert.deepEqual(confirmed, { yes: 22, no: 2 });
    // Referral links were opened by people, and a few times by link scanners.
    const [visits] = await rows(url, `SELECT count(*) FILTER (WHERE NOT bot)::int AS people, count(*) FILTER (WHERE bot)::int AS bots FROM link_visits`);
    assert.ok(visits.people >= 20 && visits.bots >= 1, JSON.stringify(visits));
  });

  it('prints a login for every role, and they work', async () => {
    const logins = result.out.map((l) => /^\s+(\w+)\s+(\S+@\S+)\s+(\S+)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    assert.deepEqual([...new Set(logins.map((m) => m[1]))].sort(), ['admin', 'finance', 'marketer', 'partner', 'referrer', 'supplier']);
    const app = await listenOn(url, { JWT_SECRET: 'demo-seed-test-jwt-secret-0123456789abcdef' });
    try {
      for (const [, , email, password] of logins) await request(app.url).post('/api/auth/login').send({ email, password }).expect(200);
    } finally {
      await app.app.close();
    }
  });

  it('refuses a database that already holds data', async () => {
    const again = await seed(url);
    assert.equal(again.code, 1);
    assert.match(again.out.join('\n'), /refused: the database already holds data/);
  });
});
