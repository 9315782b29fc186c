import assert from 'node:assert/strict';
import request from 'supertest';
import { addTags, adminToken, auth, member, Member, submitLead, suffix } from './exchange-fixtures';
import { formPost } from './support/browser-form';
import { PASSWORD, staffToken } from './support/fixtures';
import { Role } from '../src/access/role';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
let adminCookie: string;

beforeAll(async () => {
  t = await startTestApp('exchange_operations', { env: { JOBS_ENABLED: 'false' } });
  admin = await adminToken(t);
  adminCookie = `hs_session=${await staffToken(t, Role.Admin)}`;
});
afterAll(() => t.close());

/** A tag of this test only, so members of other tests never match its leads. */
async function tag(): Promise<string> {
  const slug = `t${suffix()}`;
  await addTags(t, admin, [slug]);
  return slug;
}

async function inbox(m: Member): Promise<{ id: string; routingState: string }[]> {
  return (await request(t.url).get('/api/exchange/leads/inbox').set(auth(m.token)).expect(200)).body;
}

async function receiverOf(leadId: string): Promise<string | null> {
  return (await request(t.url).get(`/api/exchange/leads/${leadId}`).set(auth(admin)).expect(200)).body.receiverMemberId;
}

describe('membership after admission: suspend, reinstate, expel; a refused company cannot sign in', () => {
  it('refuses sign-in to a refused applicant', async () => {
    const m = await member(t, admin, { admit: false });
    await request(t.url).post(`/api/exchange/members/${m.id}/refuse`).set(auth(admin)).send({ reason: 'Not a B2B integrator' }).expect(200);
    const login = await request(t.url).post('/api/auth/login').send({ email: m.email, password: PASSWORD }).expect(403);
    assert.equal(login.body.error.code, 'ACCOUNT_DISABLED');
    await request(t.url).get('/api/exchange/members/me').set(auth(m.token)).expect(401);
  });

  it('suspending takes the open offer back and gives it to the next member; reinstating brings offers back', async () => {
    const x = await tag();
    const a = await member(t, admin, { tags: [x], capacity: 10 });
    const b = await member(t, admin, { tags: [x], capacity: 5 });
    const lead = await submitLead(t, (await member(t, admin)).token, { tags: [x] });
    const first = await receiverOf(lead.id);
    assert.equal(first, a.id, 'more capacity left: a first');
    const s = await request(t.url).post(`/api/exchange/members/${a.id}/suspend`).set(auth(admin)).send({ reason: 'Unpaid fees' }).expect(200);
    assert.equal(s.body.status, 'suspended');
    assert.equal(s.body.statusReason, 'Unpaid fees');
    assert.equal(await receiverOf(lead.id), b.id, 'offered to the next member');
    // A suspended member still signs in and sees why; it takes part in nothing.
    const me = await request(t.url).get('/api/exchange/members/me').set(auth(a.token)).expect(200);
    assert.equal(me.body.status, 'suspended');
    assert.equal((await request(t.url).get('/api/exchange/leads/inbox').set(auth(a.token)).expect(403)).body.error.code, 'MEMBER_NOT_ADMITTED');
    const [assignment] = await t.db.query(`SELECT state, withdraw_reason FROM exchange_assignments WHERE lead_id = $1 AND member_id = $2`, [lead.id, a.id]);
    assert.deepEqual(assignment, { state: 'withdrawn', withdraw_reason: 'member suspended' });
    // Suspended: no new offers.
    const second = await submitLead(t, (await member(t, admin)).token, { tags: [x], companyName: `Second ${suffix()}` });
    assert.equal(await receiverOf(second.id), b.id);
    const again = await request(t.url).post(`/api/exchange/members/${a.id}/suspend`).set(auth(admin)).send({ reason: 'twice' }).expect(409);
    assert.equal(again.body.error.code, 'MEMBER_STATUS_CHANGE_REFUSED');
    await request(t.url).post(`/api/exchange/members/${a.id}/reinstate`).set(auth(admin)).send({ reason: 'Paid' }).expect(200);
    const third = await submitLead(t, (await member(t, admin)).token, { tags: [x], companyName: `Third ${suffix()}` });
    assert.equal(await receiverOf(third.id), a.id);
    // Suspended members still sign in (they see their state); a missing reason is refused.
    await request(t.url).post(`/api/exchange/members/${a.id}/suspend`).set(auth(admin)).send({}).expect(400);
  });

  it('expelling (through the desk page, after a confirmation) closes the account and reroutes its offers', async () => {
    const x = await tag();
    const a = await member(t, admin, { tags: [x], capacity: 10 });
    const b = await member(t, admin, { tags: [x], capacity: 5 });
    const lead = await submitLead(t, (await member(t, admin)).token, { tags: [x] });
    assert.equal(await receiverOf(lead.id), a.id);
    const ask = await formPost(t, `/exchange/admin/members/${a.id}/expel`, adminCookie).send({ reason: 'Resold leads' }).expect(200);
    assert.match(ask.text, /data-test="confirm-question"/);
    assert.match(ask.text, new RegExp(a.company));
    assert.equal((await request(t.url).get(`/api/exchange/members/${a.id}`).set(auth(admin)).expect(200)).body.status, 'admitted', 'nothing done before confirming');
    await formPost(t, `/exchange/admin/members/${a.id}/expel`, adminCookie).send({ reason: 'Resold leads', confirm: 'yes' }).expect(303);
    assert.equal((await request(t.url).get(`/api/exchange/members/${a.id}`).set(auth(admin)).expect(200)).body.status, 'expelled');
    assert.equal((await request(t.url).post('/api/auth/login').send({ email: a.email, password: PASSWORD }).expect(403)).body.error.code, 'ACCOUNT_DISABLED');
    await request(t.url).get('/api/exchange/members/me').set(auth(a.token)).expect(401);
    assert.equal(await receiverOf(lead.id), b.id);
  });
});

describe('offers withdrawn when a lead stops being sales-ready', () => {
  it('a lead disqualified by a score override while offered leaves the partner inbox', async () => {
    const x = await tag();
    const a = await member(t, admin, { tags: [x] });
    const lead = await submitLead(t, (await member(t, admin)).token, { tags: [x] });
    assert.deepEqual((await inbox(a)).map((l) => l.id), [lead.id]);
    const still = await request(t.url).post(`/api/exchange/leads/${lead.id}/scores`).set(auth(admin)).send({ dimension: 'budget', score: 1, reason: 'Budget cut by the client' }).expect(200);
    assert.equal(still.body.qualification, 'sales_ready', '1·5·4·5 = 100: still sales-ready, still offered');
    assert.deepEqual((await inbox(a)).map((l) => l.id), [lead.id]);
    const res = await request(t.url).post(`/api/exchange/leads/${lead.id}/scores`).set(auth(admin)).send({ dimension: 'need', score: 1, reason: 'No need after all' }).expect(200);
    assert.equal(res.body.qualification, 'nurture');
    assert.equal(res.body.routingState, 'not_routed');
    assert.deepEqual(await inbox(a), []);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(a.token)).expect(409);
  });
});

describe('company size and routing mode', () => {
  it('matches the company size members declare (none declared = every size)', async () => {
    const x = await tag();
    const big = await member(t, admin, { tags: [x], capacity: 1 });
    await request(t.url).put('/api/exchange/members/me/profile').set(auth(big.token)).send({ threshold: '0', tags: [x], regions: [], weeklyCapacity: 1, companySizes: ['enterprise'] }).expect(200);
    const any = await member(t, admin, { tags: [x], capacity: 1 });
    const small = await submitLead(t, (await member(t, admin)).token, { tags: [x], companySize: 'small' });
    assert.equal(await receiverOf(small.id), any.id);
    const ent = await submitLead(t, (await member(t, admin)).token, { tags: [x], companySize: 'enterprise', companyName: `Ent ${suffix()}` });
    assert.equal(await receiverOf(ent.id), big.id);
    const bad = await request(t.url).put('/api/exchange/members/me/profile').set(auth(big.token)).send({ threshold: '0', tags: [x], weeklyCapacity: 1, companySizes: ['huge'] }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    await submitLead(t, (await member(t, admin)).token, { tags: [x], companySize: 'gigantic', companyName: `G ${suffix()}` }, 400);
  });

  it('rotation spreads equally good matches by capacity; best match fills the best first', async () => {
    const x = await tag();
    const a = await member(t, admin, { tags: [x], capacity: 4 });
    await member(t, admin, { tags: [x], capacity: 2 });
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ routingMode: 'rotation' }).expect(200);
    try {
      const sender = await member(t, admin);
      const receivers: string[] = [];
      for (let i = 0; i < 6; i++) receivers.push((await receiverOf((await submitLead(t, sender.token, { tags: [x], companyName: `Rot ${i} ${suffix()}` })).id))!);
      const names = receivers.map((r) => (r === a.id ? 'a' : 'b'));
      // Weighted by capacity 4 : 2 (b is the other member), and spread: b gets one of the first two, not only the leftovers.
      assert.deepEqual([names.filter((n) => n === 'a').length, names.filter((n) => n === 'b').length], [4, 2], names.join(''));
      assert.deepEqual([...names.slice(0, 2)].sort(), ['a', 'b'], names.join(''));
      assert.equal((await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body.routingMode, 'rotation');
      await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ routingMode: 'random' }).expect(400);
    } finally {
      await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ routingMode: 'best_match' }).expect(200);
    }
  });
});

describe('hand-off text', () => {
  it('the receiver writes it once after accepting; the submitter sees who works the lead and why', async () => {
    const x = await tag();
    const a = await member(t, admin, { tags: [x] });
    const sender = await member(t, admin);
    const lead = await submitLead(t, sender.token, { tags: [x] });
    const early = await request(t.url).post(`/api/exchange/leads/${lead.id}/handoff`).set(auth(a.token)).send({ text: 'We built three wholesale portals.' }).expect(409);
    assert.equal(early.body.error.code, 'LEAD_NOT_ACCEPTED');
    const offered = (await request(t.url).get('/api/exchange/leads/submitted').set(auth(sender.token)).expect(200)).body.find((l: any) => l.id === lead.id);
    assert.equal(offered.receiverCompany, null, 'not named while it may still decline');
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(a.token)).expect(200);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/handoff`).set(auth(a.token)).send({ text: 'short' }).expect(400);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/handoff`).set(auth(a.token)).send({ text: 'We built three wholesale portals with 1C.' }).expect(204);
    const twice = await request(t.url).post(`/api/exchange/leads/${lead.id}/handoff`).set(auth(a.token)).send({ text: 'Another text, written again.' }).expect(409);
    assert.equal(twice.body.error.code, 'HANDOFF_ALREADY_WRITTEN');
    const seen = (await request(t.url).get('/api/exchange/leads/submitted').set(auth(sender.token)).expect(200)).body.find((l: any) => l.id === lead.id);
    assert.equal(seen.receiverCompany, a.company);
    assert.equal(seen.handoffText, 'We built three wholesale portals with 1C.');
    await request(t.url).post(`/api/exchange/leads/${lead.id}/handoff`).set(auth(sender.token)).send({ text: 'Not mine to write at all.' }).expect(409);
  });
});

describe("the operator's desk and analytics", () => {
  it('pages and filters every lead (not only the top 100)', async () => {
    const x = await tag();
    const sender = await member(t, admin);
    const stamp = suffix();
    for (let i = 0; i < 55; i++) await submitLead(t, sender.token, { tags: [x], companyName: `Desk${stamp} ${i}` });
    const p1 = await request(t.url).get(`/exchange/admin?q=Desk${stamp}`).set('cookie', adminCookie).expect(200);
    assert.equal((p1.text.match(/data-test="lead-row"/g) ?? []).length, 50);
    assert.match(p1.text, /data-test="desk-shown">Leads 1–50 of 55/);
    assert.match(p1.text, /data-test="desk-next"/);
    const p2 = await request(t.url).get(`/exchange/admin?q=Desk${stamp}&page=2`).set('cookie', adminCookie).expect(200);
    assert.equal((p2.text.match(/data-test="lead-row"/g) ?? []).length, 5);
    assert.match(p2.text, /Leads 51–55 of 55/);
    const ru = await request(t.url).get(`/exchange/admin?q=Desk${stamp}&routing=accepted&lang=ru`).set('cookie', adminCookie).expect(200);
    assert.match(ru.text, /Ни один лид не подходит под отбор/);
    const api = await request(t.url).get(`/api/exchange/leads?q=desk${stamp}&limit=500`).set(auth(admin)).expect(200);
    assert.equal(api.body.length, 55);
    await request(t.url).get(`/exchange/admin?q=%25%25&page=-3&routing=bogus`).set('cookie', adminCookie).expect(200);
  });

  it('by source: won deals, won value, cost per won deal and return, for a chosen period', async () => {
    const x = await tag();
    const receiver = await member(t, admin, { tags: [x], capacity: 10 });
    const source = await member(t, admin);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitLead(t, source.token, { tags: [x], cost: '1000000', companyName: `Src ${i} ${suffix()}` })).id);
    for (const [i, id] of ids.entries()) {
      await request(t.url).post(`/api/exchange/leads/${id}/accept`).set(auth(receiver.token)).expect(200);
      await request(t.url).post(`/api/exchange/leads/${id}/status`).set(auth(receiver.token)).send({ status: 'contacted' }).expect(200);
      await request(t.url).post(`/api/exchange/leads/${id}/status`).set(auth(receiver.token)).send({ status: 'proposal' }).expect(200);
      if (i < 2) await request(t.url).post(`/api/exchange/leads/${id}/status`).set(auth(receiver.token)).send({ status: 'won', wonValue: String((i + 1) * 5_000_000) }).expect(200);
    }
    // One lead of this source submitted long ago: outside the period.
    await t.db.query(`UPDATE exchange_leads SET created_at = now() - interval '400 days' WHERE id = $1`, [ids[2]]);
    const today = new Date().toISOString().slice(0, 10);
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const all = (await request(t.url).get('/api/exchange/analytics').set(auth(admin)).expect(200)).body.bySource.find((r: any) => r.memberId === source.id);
    assert.deepEqual({ leads: all.leads, won: all.won, wonValue: all.wonValue, totalCost: all.totalCost, costPerWonDeal: all.costPerWonDeal }, { leads: 3, won: 2, wonValue: '15000000', totalCost: '3000000', costPerWonDeal: '1500000' });
    const period = (await request(t.url).get(`/api/exchange/analytics?from=${since}&to=${today}T23:59:59Z`).set(auth(admin)).expect(200)).body;
    const row = period.bySource.find((r: any) => r.memberId === source.id);
    assert.deepEqual({ leads: row.leads, won: row.won, totalCost: row.totalCost, costPerWonDeal: row.costPerWonDeal }, { leads: 2, won: 2, totalCost: '2000000', costPerWonDeal: '1000000' });
    const bad = await request(t.url).get('/api/exchange/analytics?from=yesterday').set(auth(admin)).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    const page = await request(t.url).get(`/exchange/admin/analytics?from=${since}&to=${today}&lang=ru`).set('cookie', adminCookie).expect(200);
    const html = page.text.slice(page.text.indexOf(`data-company="${source.company}"`));
    const cell = (name: string) => new RegExp(`data-test="${name}">([^<]*)<`).exec(html)![1];
    assert.equal(cell('source-won'), '2');
    assert.equal(cell('source-won-value'), '150\u00a0000,00\u00a0₽');
    assert.equal(cell('source-cost-per-won'), '10\u00a0000,00\u00a0₽');
    assert.equal(cell('source-return'), '7,5');
    assert.match(page.text, /data-test="period-shown">Лиды, поданные/);
  });
});
