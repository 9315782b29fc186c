import assert from 'node:assert/strict';
import request from 'supertest';
import { EXPIRE_OFFERS_JOB } from '../src/exchange/routing/routing.service';
import { JobsService } from '../src/jobs/jobs.service';
import { addTags, adminToken, auth, member, Member, submitLead } from './exchange-fixtures';
import { PASSWORD } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
let s: Member, r1: Member, r2: Member, r3: Member;

beforeAll(async () => {
  t = await startTestApp('exchange_analytics', { env: { JOBS_ENABLED: 'false' } });
  admin = await adminToken(t);
  await addTags(t, admin, ['alpha', 'beta']);
  s = await member(t, admin, { company: 'Source Co' });
  r1 = await member(t, admin, { company: 'R1 Co', tags: ['alpha', 'beta'], capacity: 100 });
  r2 = await member(t, admin, { company: 'R2 Co', tags: ['alpha'], capacity: 100 });
  r3 = await member(t, admin, { company: 'R3 Co', tags: ['beta'], capacity: 50 });
});
afterAll(() => t.close());

const step = (m: Member, id: string, body: Record<string, unknown>) => request(t.url).post(`/api/exchange/leads/${id}/status`).set(auth(m.token)).send(body).expect(200);
const accept = (m: Member, id: string) => request(t.url).post(`/api/exchange/leads/${id}/accept`).set(auth(m.token)).expect(200);
/** Puts the first contact a known time after the offer. */
const contactedAfter = (id: string, hours: number) =>
  t.db.query(`UPDATE exchange_assignments SET offered_at = (SELECT first_contact_at FROM exchange_leads WHERE id = $1) - make_interval(hours => $2) WHERE lead_id = $1 AND state = 'accepted'`, [
    id,
    hours,
  ]);
const receiver = async (id: string) => (await request(t.url).get(`/api/exchange/leads/${id}`).set(auth(admin)).expect(200)).body.receiverMemberId;

describe('analytics in a scenario with known answers', () => {
  it('counts sources, costs, acceptance, time to first contact, win rates and tag conversion', async () => {
    // L1: to R1 (two shared tags), won 500 000.
    const l1 = await submitLead(t, s.token, { tags: ['alpha', 'beta'], cost: '1000' });
    assert.equal(l1.receiverMemberId, r1.id);
    await accept(r1, l1.id);
    await step(r1, l1.id, { status: 'contacted' });
    await contactedAfter(l1.id, 2);
    await step(r1, l1.id, { status: 'proposal' });
    await step(r1, l1.id, { status: 'won', wonValue: '500000' });

    // L2: R1 declines; R2 (more capacity left than R3) gets it and loses it.
    const l2 = await submitLead(t, s.token, { tags: ['alpha', 'beta'], cost: '2000' });
    assert.equal(l2.receiverMemberId, r1.id);
    await request(t.url).post(`/api/exchange/leads/${l2.id}/decline`).set(auth(r1.token)).send({ reason: 'full' }).expect(204);
    assert.equal(await receiver(l2.id), r2.id);
    await accept(r2, l2.id);
    await step(r2, l2.id, { status: 'contacted' });
    await contactedAfter(l2.id, 1);
    await step(r2, l2.id, { status: 'lost', lostReason: 'price' });

    // L3: R1 wins on its alpha record, lets the offer lapse; R2 takes it and makes contact.
    const l3 = await submitLead(t, s.token, { tags: ['alpha'] });
    assert.equal(l3.receiverMemberId, r1.id);
    await t.db.query(`UPDATE exchange_assignments SET expires_at = now() - interval '1 minute' WHERE lead_id = $1 AND state = 'offered'`, [l3.id]);
    await t.app.get(JobsService).runNow(EXPIRE_OFFERS_JOB);
    assert.equal(await receiver(l3.id), r2.id);
    await accept(r2, l3.id);
    await step(r2, l3.id, { status: 'contacted' });
    await contactedAfter(l3.id, 3);

    // L4: imported by the operator; R1 (beta 1/1) beats R3; R1 loses it.
    const csv = `company,contact_name,tags,budget,authority,need,timeline_days,cost\nImported Co,Ann,beta,300000000,decision_maker,high,10,3000\n`;
    const imported = (await request(t.url).post('/api/exchange/leads/import').set(auth(admin)).send({ csv }).expect(201)).body;
    const l4 = imported.rows[0].leadId;
    assert.equal(await receiver(l4), r1.id);
    await accept(r1, l4);
    await step(r1, l4, { status: 'contacted' });
    await contactedAfter(l4, 4);
    await step(r1, l4, { status: 'proposal' });
    await step(r1, l4, { status: 'lost', lostReason: 'budget cut' });

    // L5: the operator's nurture lead, never routed.
    const l5 = await submitLead(t, admin, { budget: '0', authority: 'influencer', need: 'medium', timelineDays: 100 });
    assert.equal(l5.qualification, 'nurture');

    const report = (await request(t.url).get('/api/exchange/analytics').set(auth(admin)).expect(200)).body;
    assert.equal(report.currency, 'RUB');
    assert.equal(report.withOperator, 0);
    const src = Object.fromEntries(report.bySource.map((r: any) => [`${r.memberCompany}/${r.channel}`, [r.leads, r.salesReady, r.leadsWithCost, r.totalCost, r.costPerLead]]));
    assert.deepEqual(src, {
      'Source Co/api': [3, 3, 2, '3000', '1500'],
      'operator/csv': [1, 1, 1, '3000', '3000'],
      'operator/api': [1, 0, 0, '0', null],
    });
    const rec = Object.fromEntries(
      report.byReceiver.map((r: any) => [
        r.memberCompany,
        { offered: r.offered, accepted: r.accepted, declined: r.declined, expired: r.expired, acc: r.acceptanceRateBp, ttfc: r.avgSecondsToFirstContact, won: r.won, lost: r.lost, win: r.winRateBp, value: r.wonValue },
      ]),
    );
    assert.deepEqual(rec['R1 Co'], { offered: 4, accepted: 2, declined: 1, expired: 1, acc: 5000, ttfc: 3 * 3600, won: 1, lost: 1, win: 5000, value: '500000' });
    assert.deepEqual(rec['R2 Co'], { offered: 2, accepted: 2, declined: 0, expired: 0, acc: 10000, ttfc: 2 * 3600, won: 0, lost: 1, win: 0, value: '0' });
    assert.equal(report.byReceiver.find((r: any) => r.memberCompany === 'R3 Co').memberId, r3.id);
    assert.deepEqual(rec['R3 Co'], { offered: 0, accepted: 0, declined: 0, expired: 0, acc: null, ttfc: null, won: 0, lost: 0, win: null, value: '0' });
    assert.deepEqual(
      report.tagConversion.map((r: any) => [r.tag, r.memberCompany, r.won, r.closed, r.winRateBp]),
      [
        ['alpha', 'R1 Co', 1, 1, 10000],
        ['alpha', 'R2 Co', 0, 1, 0],
        ['beta', 'R1 Co', 1, 2, 5000],
        ['beta', 'R2 Co', 0, 1, 0],
      ],
    );
    assert.equal(report.byReceiver[0].memberCompany, 'R1 Co');

    // The same figures on the operator's page.
    const login = await request(t.url).post('/api/auth/login').send({ email: (await t.db.query(`SELECT email FROM users WHERE role = 'admin' LIMIT 1`))[0].email, password: PASSWORD }).expect(200);
    const page = await request(t.url).get('/exchange/admin/analytics').set('cookie', `hs_session=${login.body.accessToken}`).expect(200);
    assert.match(page.text, /data-company="R1 Co"[\s\S]*?data-test="won-value">RUB\u00a05,000\.00</);
  });
});
