import assert from 'node:assert/strict';
import request from 'supertest';
import { EXPIRE_OFFERS_JOB, RoutingService } from '../src/exchange/routing/routing.service';
import { JobsService } from '../src/jobs/jobs.service';
import { addTags, adminToken, auth, member, Member, MemberOptions, submitLead, suffix } from './exchange-fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
/** Both app instances sign and check tokens with one secret, as a real deployment does. */
const JWT = 'exchange-routing-test-secret-0123456789abcdef';
let admin: string;

beforeAll(async () => {
  t = await startTestApp('exchange_routing', { env: { JOBS_ENABLED: 'false', JWT_SECRET: JWT } });
  admin = await adminToken(t);
});
afterAll(() => t.close());

/** Closed deals in a member's history (for win rates), written directly: only their outcome matters here. */
async function seedHistory(memberId: string, tag: string, won: number, lost: number): Promise<void> {
  await t.db.query(
    `INSERT INTO exchange_leads (channel, company_name, company_key, contact_name, tag_ids, need_key, budget, currency, authority, need,
            score_budget, score_authority, score_need, score_timing, qualification, routing_state, deal_status, receiver_member_id)
     SELECT 'api', 'History ' || g, 'history' || g || md5(random()::text), 'X', ARRAY[(SELECT id FROM exchange_tags WHERE slug = $2)], 'h', 0, 'RUB', 'user', 'low',
            1, 1, 1, 1, 'sales_ready', 'accepted', CASE WHEN g <= $3::int THEN 'won' ELSE 'lost' END, $1
       FROM generate_series(1, $3::int + $4::int) g`,
    [memberId, tag, won, lost],
  );
}

interface Case {
  name: string;
  /** Member specs; tags are written as X, Y (replaced by this case's own tags). */
  members: (MemberOptions & { history?: [string, number, number] })[];
  lead: Record<string, unknown>;
  /** Index of the submitting member, or undefined for the operator. */
  submitter?: number;
  /** Index of the member expected to get the lead; null = nobody fits. */
  expected: number | null;
}

const cases: Case[] = [
  { name: 'more shared expertise wins', members: [{ tags: ['X'], capacity: 50 }, { tags: ['X', 'Y'], capacity: 10 }], lead: { tags: ['X', 'Y'] }, expected: 1 },
  {
    name: 'a threshold above the budget excludes',
    members: [
      { tags: ['X'], capacity: 50, threshold: '300000001' },
      { tags: ['X'], capacity: 10, threshold: '300000000' },
    ],
    lead: { tags: ['X'], budget: '300000000' },
    expected: 1,
  },
  { name: 'no capacity left excludes', members: [{ tags: ['X', 'Y'], capacity: 0 }, { tags: ['X'], capacity: 1 }], lead: { tags: ['X', 'Y'] }, expected: 1 },
  { name: 'never back to the submitter', members: [{ tags: ['X', 'Y'], capacity: 50 }, { tags: ['X'], capacity: 10 }], lead: { tags: ['X', 'Y'] }, submitter: 0, expected: 1 },
  {
    name: 'a better past win rate on these tags wins',
    members: [
      { tags: ['X'], capacity: 50, history: ['X', 1, 3] },
      { tags: ['X'], capacity: 10, history: ['X', 3, 1] },
    ],
    lead: { tags: ['X'] },
    expected: 1,
  },
  { name: 'a region the member does not serve excludes', members: [{ tags: ['X'], capacity: 50, regions: ['us'] }, { tags: ['X'], capacity: 10 }], lead: { tags: ['X'], region: 'eu' }, expected: 1 },
  { name: 'more capacity left breaks a tie', members: [{ tags: ['X'], capacity: 5 }, { tags: ['X'], capacity: 9 }], lead: { tags: ['X'] }, expected: 1 },
  { name: 'nobody fits: the lead stays with the operator, flagged', members: [{ tags: ['X'], threshold: '999999999999' }, { tags: ['Y'] }], lead: { tags: ['X'] }, expected: null },
];

describe('routing picks the expected member', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const s = suffix();
      const real = (tags: string[] | undefined) => (tags ?? []).map((x) => `${x.toLowerCase()}-${s}`);
      await addTags(t, admin, real(['X', 'Y']));
      const ms: Member[] = [];
      for (const spec of c.members) {
        const m = await member(t, admin, { ...spec, tags: real(spec.tags) });
        if (spec.history) await seedHistory(m.id, real([spec.history[0]])[0], spec.history[1], spec.history[2]);
        ms.push(m);
      }
      const token = c.submitter === undefined ? admin : ms[c.submitter].token;
      const lead = await submitLead(t, token, { ...c.lead, tags: real(c.lead.tags as string[]) });
      if (c.expected === null) {
        assert.equal(lead.routingState, 'with_operator');
        assert.equal(lead.flag, 'no_matching_member');
        assert.equal(lead.receiverMemberId, null);
        const flagged = (await request(t.url).get('/api/exchange/leads?flagged=true').set(auth(admin)).expect(200)).body;
        assert.ok(flagged.some((l: any) => l.id === lead.id));
      } else {
        assert.equal(lead.routingState, 'offered');
        assert.equal(lead.receiverMemberId, ms[c.expected].id, `expected member #${c.expected}`);
      }
    });
  }
});

describe('decline and timeout reroute', () => {
  it('a decline goes to the next best, a lapsed offer too, and when nobody is left the operator keeps it', async () => {
    const s = suffix();
    const [x, y] = [`x-${s}`, `y-${s}`];
    await addTags(t, admin, [x, y]);
    const p1 = await member(t, admin, { tags: [x, y], capacity: 5 });
    const p2 = await member(t, admin, { tags: [x], capacity: 20 });
    const p3 = await member(t, admin, { tags: [x], capacity: 10 });
    const lead = await submitLead(t, admin, { tags: [x, y] });
    assert.equal(lead.receiverMemberId, p1.id);
    // p2 sees nothing yet.
    assert.equal((await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(p2.token)).expect(403)).body.error.code, 'LEAD_NOT_VISIBLE');

    await request(t.url).post(`/api/exchange/leads/${lead.id}/decline`).set(auth(p1.token)).send({ reason: 'Too busy' }).expect(204);
    let now = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(admin)).expect(200)).body;
    assert.equal(now.receiverMemberId, p2.id);
    assert.equal(now.routingState, 'offered');
    // The decliner no longer sees it and cannot take it back.
    await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(p1.token)).expect(403);
    assert.equal((await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(p1.token)).expect(409)).body.error.code, 'NO_OPEN_OFFER');

    // p2 does not answer in time.
    await t.db.query(`UPDATE exchange_assignments SET expires_at = now() - interval '1 second' WHERE lead_id = $1 AND state = 'offered'`, [lead.id]);
    assert.equal((await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(p2.token)).expect(409)).body.error.code, 'OFFER_EXPIRED');
    await t.app.get(JobsService).runNow(EXPIRE_OFFERS_JOB);
    now = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(admin)).expect(200)).body;
    assert.equal(now.receiverMemberId, p3.id);
    const states = await t.db.query(`SELECT member_id, state FROM exchange_assignments WHERE lead_id = $1 ORDER BY id`, [lead.id]);
    assert.deepEqual(states, [
      { member_id: p1.id, state: 'declined' },
      { member_id: p2.id, state: 'expired' },
      { member_id: p3.id, state: 'offered' },
    ]);

    await request(t.url).post(`/api/exchange/leads/${lead.id}/decline`).set(auth(p3.token)).send({}).expect(204);
    now = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(admin)).expect(200)).body;
    assert.equal(now.routingState, 'with_operator');
    assert.equal(now.flag, 'no_matching_member');
    // A new member that fits: the operator sends the lead through routing again.
    const p4 = await member(t, admin, { tags: [x] });
    const retry = (await request(t.url).post(`/api/exchange/leads/${lead.id}/route`).set(auth(admin)).expect(200)).body;
    assert.deepEqual(retry, { routed: 1, withOperator: 0 });
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(p4.token)).expect(200);
  });
});

describe('concurrent routing', () => {
  it('two app instances and many concurrent routers never assign a lead twice nor overfill a member', async () => {
    const t2 = await startTestApp('exchange_routing_2', { databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false', JWT_SECRET: JWT } });
    try {
      const tag = `conc-${suffix()}`;
      await addTags(t, admin, [tag]);
      const ms: Member[] = [];
      for (let i = 0; i < 5; i++) ms.push(await member(t, admin, { tags: [tag], capacity: 50 }));
      const LEADS = 300;
      await t.db.query(
        `INSERT INTO exchange_leads (channel, company_name, company_key, contact_name, tag_ids, need_key, budget, currency, authority, need,
                score_budget, score_authority, score_need, score_timing, qualification, routing_state)
         SELECT 'api', 'Conc ' || g, 'conc' || g || $2, 'X', ARRAY[(SELECT id FROM exchange_tags WHERE slug = $1)], 'n', 300000000, 'RUB', 'decision_maker', 'high',
                4, 5, 4, 5, 'sales_ready', 'pending'
           FROM generate_series(1, $3) g`,
        [tag, suffix(), LEADS],
      );
      const routers = [t.app.get(RoutingService), t2.app.get(RoutingService)];
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 24; i++) {
        if (i % 3 === 2) calls.push(request(i % 2 ? t2.url : t.url).post('/api/exchange/route').set(auth(admin)).expect(200));
        else calls.push(routers[i % 2].routeLeads(undefined, 7 + i));
      }
      await Promise.all(calls);
      await routers[0].routePending();

      const [dupes] = await t.db.query(`SELECT count(*) AS n FROM (SELECT lead_id FROM exchange_assignments WHERE state IN ('offered','accepted') GROUP BY lead_id HAVING count(*) > 1) d`);
      assert.equal(Number(dupes.n), 0);
      const perMember = await t.db.query(`SELECT member_id, count(*)::int AS n FROM exchange_assignments WHERE member_id = ANY($1) GROUP BY member_id`, [ms.map((m) => m.id)]);
      assert.equal(perMember.length, 5);
      for (const r of perMember) assert.equal(r.n, 50);
      const states = await t.db.query(`SELECT routing_state, count(*)::int AS n FROM exchange_leads WHERE company_name LIKE 'Conc %' GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(states, [
        { routing_state: 'offered', n: 250 },
        { routing_state: 'with_operator', n: 50 },
      ]);
      const [mismatch] = await t.db.query(
        `SELECT count(*) AS n FROM exchange_leads l WHERE l.routing_state = 'offered' AND l.company_name LIKE 'Conc %'
           AND NOT EXISTS (SELECT 1 FROM exchange_assignments a WHERE a.lead_id = l.id AND a.member_id = l.receiver_member_id AND a.state = 'offered')`,
      );
      assert.equal(Number(mismatch.n), 0);
    } finally {
      await t2.close();
    }
  });

  it('the database refuses a second live assignment of one lead', async () => {
    const [a] = await t.db.query(`SELECT lead_id FROM exchange_assignments WHERE state = 'offered' LIMIT 1`);
    const [other] = await t.db.query(`SELECT id FROM exchange_members WHERE id NOT IN (SELECT member_id FROM exchange_assignments WHERE lead_id = $1) LIMIT 1`, [a.lead_id]);
    await assert.rejects(
      t.db.query(`INSERT INTO exchange_assignments (lead_id, member_id, state, expires_at) VALUES ($1, $2, 'offered', now())`, [a.lead_id, other.id]),
      /exchange_assignments_one_active/,
    );
  });
});
