import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { EXCHANGE_COMMANDS } from '../src/exchange/exchange.commands';
import { Role } from '../src/access/role';
import { StaffService } from '../src/auth/staff.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { addTags, adminToken, auth, count, leadBody, member, Member, submitLead, suffix } from './exchange-fixtures';
import { PASSWORD, uniqueEmail } from './support/fixtures';
import { formPost } from './support/browser-form';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let admin: string;
let a: Member;
let b: Member;

beforeAll(async () => {
  t = await startTestApp('exchange', { env: { JOBS_ENABLED: 'false' } });
  admin = await adminToken(t);
  await addTags(t, admin, ['erp', 'crm', 'edi']);
  a = await member(t, admin, { company: 'Alpha Integrations', tags: ['erp'] });
  b = await member(t, admin, { company: 'Beta Systems', tags: ['erp', 'crm'], capacity: 1000 });
});
afterAll(() => t.close());

describe('membership', () => {
  it('an application creates a partner account and records the rules acceptance with time and address', async () => {
    const email = uniqueEmail('apply', 'gamma.example');
    const res = await request(t.url).post('/api/exchange/applications').send({ email, password: PASSWORD, companyName: 'Gamma', contactName: 'Ivan', acceptedRulesVersion: 1 }).expect(201);
    assert.equal(res.body.member.status, 'applied');
    assert.equal(res.body.member.rules.version, 1);
    assert.ok(res.body.member.rules.ip.length > 0);
    const [user] = await t.db.query(`SELECT role FROM users WHERE email = $1`, [email]);
    assert.equal(user.role, 'partner');
    // An applicant may not take part yet.
    const refused = await request(t.url).post('/api/exchange/leads').set(auth(res.body.accessToken)).send(leadBody()).expect(403);
    assert.equal(refused.body.error.code, 'MEMBER_NOT_ADMITTED');
    // The operator decides once.
    await request(t.url).post(`/api/exchange/members/${res.body.member.id}/refuse`).set(auth(admin)).send({ reason: 'Outside our network' }).expect(200);
    const again = await request(t.url).post(`/api/exchange/members/${res.body.member.id}/admit`).set(auth(admin)).expect(409);
    assert.equal(again.body.error.code, 'MEMBER_ALREADY_DECIDED');
  });

  it('refuses an application without the current rules and writes nothing', async () => {
    const before = await count(t, 'users');
    for (const [v, status, code] of [
      [undefined, 422, 'RULES_NOT_ACCEPTED'],
      [7, 409, 'RULES_VERSION_STALE'],
    ] as const) {
      const res = await request(t.url).post('/api/exchange/applications').send({ email: uniqueEmail(), password: PASSWORD, companyName: 'Delta', contactName: 'Ivan', acceptedRulesVersion: v }).expect(status);
      assert.equal(res.body.error.code, code);
    }
    assert.equal(await count(t, 'users'), before);
  });

  it('rules versions and acceptances are immutable', async () => {
    await assert.rejects(t.db.query(`UPDATE exchange_rules_versions SET text = 'x'`), /append-only/);
    await assert.rejects(t.db.query(`DELETE FROM exchange_rules_acceptances`), /append-only/);
    const v2 = await request(t.url).post('/api/exchange/rules').set(auth(admin)).send({ text: 'Version two of the exchange rules: no poaching, answer in time.' }).expect(201);
    assert.equal(v2.body.version, 2);
    const cur = await request(t.url).get('/api/exchange/rules').expect(200);
    assert.equal(cur.body.version, 2);
    const stale = await request(t.url).post('/api/exchange/applications').send({ email: uniqueEmail(), password: PASSWORD, companyName: 'Eps', contactName: 'Ivan', acceptedRulesVersion: 1 }).expect(409);
    assert.equal(stale.body.error.code, 'RULES_VERSION_STALE');
  });

  it('a profile with an unknown tag or a negative threshold is refused, nothing changed', async () => {
    const before = (await request(t.url).get('/api/exchange/members/me').set(auth(a.token)).expect(200)).body;
    const unknown = await request(t.url).put('/api/exchange/members/me/profile').set(auth(a.token)).send({ threshold: '100', tags: ['erp', 'blockchain'], weeklyCapacity: 5 }).expect(422);
    assert.equal(unknown.body.error.code, 'UNKNOWN_TAG');
    assert.deepEqual(unknown.body.error.details.unknown, ['blockchain']);
    const negative = await request(t.url).put('/api/exchange/members/me/profile').set(auth(a.token)).send({ threshold: '-1', tags: ['erp'], weeklyCapacity: 5 }).expect(400);
    assert.equal(negative.body.error.code, 'BUDGET_NEGATIVE');
    const after = (await request(t.url).get('/api/exchange/members/me').set(auth(a.token)).expect(200)).body;
    assert.deepEqual(after, before);
  });
});

describe('scoring and qualification', () => {
  it('scores each of BANT 1–5 by the rules, multiplies, qualifies and routes a sales-ready lead', async () => {
    const lead = await submitLead(t, a.token, { tags: ['crm'] });
    assert.deepEqual(lead.scores, { budget: 4, authority: 5, need: 4, timing: 5 });
    assert.equal(lead.score, 400);
    assert.equal(lead.qualification, 'sales_ready');
    assert.equal(lead.routingState, 'offered');
    assert.equal(lead.receiverMemberId, b.id);
  });

  it('a nurture lead and a disqualified lead are kept, not routed', async () => {
    const nurture = await submitLead(t, a.token, { budget: '0', authority: 'influencer', need: 'medium', timelineDays: 100 }); // 1·3·3·3 = 27
    assert.equal(nurture.score, 27);
    assert.equal(nurture.qualification, 'nurture');
    assert.equal(nurture.routingState, 'not_routed');
    const dq = await submitLead(t, a.token, { budget: '0', authority: 'unknown', need: 'none', timelineDays: undefined }); // 1
    assert.equal(dq.score, 1);
    assert.equal(dq.qualification, 'disqualified');
  });

  it('the operator changes the rules and thresholds; new leads are scored by them; bad rule sets are refused', async () => {
    const current = (await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body;
    const bad = await request(t.url)
      .put('/api/exchange/settings')
      .set(auth(admin))
      .send({ scoringRules: { ...current.scoringRules, need: { ...current.scoringRules.need, high: 6 } } })
      .expect(422);
    assert.equal(bad.body.error.code, 'SCORING_RULES_INVALID');
    const order = await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ salesReadyMin: 10, nurtureMin: 20 }).expect(422);
    assert.equal(order.body.error.code, 'SCORING_RULES_INVALID');
    assert.deepEqual((await request(t.url).get('/api/exchange/settings').set(auth(admin)).expect(200)).body, current);

    await request(t.url)
      .put('/api/exchange/settings')
      .set(auth(admin))
      .send({ scoringRules: { ...current.scoringRules, need: { ...current.scoringRules.need, medium: 5 } }, salesReadyMin: 400 })
      .expect(200);
    const lead = await submitLead(t, a.token, { need: 'medium' }); // 4·5·5·5 = 500
    assert.equal(lead.scores.need, 5);
    assert.equal(lead.score, 500);
    const below = await submitLead(t, a.token, { need: 'low' }); // 4·5·2·5 = 200 < 400
    assert.equal(below.qualification, 'nurture');
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ scoringRules: current.scoringRules, salesReadyMin: current.salesReadyMin }).expect(200);
  });

  it('a person overrides a score with a reason: audited, requalified and routed', async () => {
    const lead = await submitLead(t, a.token, { budget: '0', tags: ['erp'] }); // 1·5·4·5 = 100 → sales-ready already; make it nurture first
    const low = await submitLead(t, a.token, { budget: '0', need: 'low', tags: ['erp'] }); // 1·5·2·5 = 50 nurture
    assert.equal(low.qualification, 'nurture');
    const bad = await request(t.url).post(`/api/exchange/leads/${low.id}/scores`).set(auth(admin)).send({ dimension: 'budget', score: 6, reason: 'Budget confirmed' }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    const zero = await request(t.url).post(`/api/exchange/leads/${low.id}/scores`).set(auth(admin)).send({ dimension: 'need', score: 0, reason: 'x y z' }).expect(400);
    assert.equal(zero.body.error.code, 'VALIDATION_FAILED');
    const memberTry = await request(t.url).post(`/api/exchange/leads/${low.id}/scores`).set(auth(a.token)).send({ dimension: 'budget', score: 5, reason: 'mine' }).expect(403);
    assert.equal(memberTry.body.error.code, 'FORBIDDEN');
    assert.equal(await count(t, 'exchange_score_overrides'), 0);

    const res = await request(t.url).post(`/api/exchange/leads/${low.id}/scores`).set(auth(admin)).send({ dimension: 'budget', score: 5, reason: 'Budget confirmed on a call' }).expect(200);
    assert.equal(res.body.score, 250);
    assert.equal(res.body.qualification, 'sales_ready');
    assert.equal(res.body.routingState, 'offered');
    const [audit] = await t.db.query(`SELECT dimension, old_score, new_score, reason FROM exchange_score_overrides WHERE lead_id = $1`, [low.id]);
    assert.deepEqual(audit, { dimension: 'budget', old_score: 1, new_score: 5, reason: 'Budget confirmed on a call' });
    const trail = (await request(t.url).get(`/api/exchange/leads/${low.id}/score-overrides`).set(auth(admin)).expect(200)).body;
    assert.deepEqual(trail.map((o: any) => [o.dimension, o.oldScore, o.newScore, o.reason]), [['budget', 1, 5, 'Budget confirmed on a call']]);
    await assert.rejects(t.db.query(`UPDATE exchange_score_overrides SET reason = 'changed'`), /append-only/);
    assert.equal(lead.qualification, 'sales_ready');
  });

  it('the operator list ranks by score', async () => {
    const list = (await request(t.url).get('/api/exchange/leads').set(auth(admin)).expect(200)).body;
    const scores = list.map((l: any) => l.score);
    assert.deepEqual(scores, [...scores].sort((x, y) => y - x));
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['budget below zero', { budget: '-100' }, 400, 'BUDGET_NEGATIVE'],
    ['a budget that is not a number', { budget: '12.5' }, 400, 'VALIDATION_FAILED'],
    ['unknown tags', { tags: ['quantum'] }, 422, 'UNKNOWN_TAG'],
    ['an authority the rules do not know', { authority: 'emperor' }, 422, 'LEAD_INVALID'],
    ['a negative cost', { cost: '-5' }, 400, 'BUDGET_NEGATIVE'],
    ['an unknown field', { score: 625 }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [name, over, status, code] of cases) {
    it(`refuses ${name} with ${code}; nothing stored`, async () => {
      const before = await count(t, 'exchange_leads');
      const res = await request(t.url).post('/api/exchange/leads').set(auth(a.token)).send(leadBody(over)).expect(status);
      assert.equal(res.body.error.code, code);
      assert.equal(await count(t, 'exchange_leads'), before);
    });
  }

  it('a duplicate lead (same company and need within 30 days) is refused and not routed twice', async () => {
    const company = `Acme ${suffix()}`;
    const first = await submitLead(t, a.token, { companyName: company, tags: ['erp', 'crm'] });
    const offers = await count(t, 'exchange_assignments');
    const before = await count(t, 'exchange_leads');
    for (const [who, name] of [
      [a.token, company.toUpperCase() + ', '],
      [admin, ` ${company}`],
    ] as const) {
      const dup = await request(t.url).post('/api/exchange/leads').set(auth(who)).send(leadBody({ companyName: name, tags: ['crm', 'erp'] })).expect(409);
      assert.equal(dup.body.error.code, 'DUPLICATE_LEAD');
      assert.equal(dup.body.error.details.duplicateOf, first.id);
    }
    assert.equal(await count(t, 'exchange_leads'), before);
    assert.equal(await count(t, 'exchange_assignments'), offers);
    // Another need of the same company is a new lead.
    await submitLead(t, a.token, { companyName: company, tags: ['edi'] });
  });

  it('the CSV import validates every row first: one bad row imports nothing', async () => {
    const before = await count(t, 'exchange_leads');
    const csv = `company,contact_name,tags,budget,authority,need,timeline_days,cost\nCsv One ${suffix()},Ann,erp,300000000,decision_maker,high,10,5000\nCsv Two,Bob,erp,-5,decision_maker,high,10,\n`;
    const res = await request(t.url).post('/api/exchange/leads/import').set(auth(admin)).send({ csv }).expect(400);
    assert.equal(res.body.error.code, 'CSV_INVALID');
    assert.equal(res.body.error.details.rows[0].row, 2);
    assert.equal(await count(t, 'exchange_leads'), before);
  });

  it('the CSV import creates leads, flags duplicates and routes the sales-ready ones', async () => {
    const one = `Csv One ${suffix()}`;
    const csv = `company,contact_name,tags,budget,authority,need,timeline_days,cost\n${one},Ann,erp;crm,300000000,decision_maker,high,10,5000\n${one},Ann,crm|erp,300000000,decision_maker,high,10,5000\nCsv Three ${suffix()},Cid,,0,user,low,,\n`;
    const res = await request(t.url).post('/api/exchange/leads/import').set(auth(admin)).send({ csv }).expect(201);
    assert.equal(res.body.created, 2);
    assert.equal(res.body.duplicates, 1);
    assert.deepEqual(res.body.rows.map((r: any) => r.outcome), ['created', 'duplicate', 'created']);
    const [lead] = await t.db.query(`SELECT channel, routing_state, cost FROM exchange_leads WHERE id = $1`, [res.body.rows[0].leadId]);
    assert.deepEqual(lead, { channel: 'csv', routing_state: 'offered', cost: 5000n });
  });
});

describe('deal status and privacy', () => {
  it('the receiver moves the deal in order; out-of-order changes are refused and change nothing', async () => {
    const lead = await submitLead(t, a.token, { tags: ['crm'] });
    assert.equal(lead.receiverMemberId, b.id);
    const early = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'contacted' }).expect(409);
    assert.equal(early.body.error.code, 'STATUS_OUT_OF_ORDER');
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(b.token)).expect(200);
    const skip = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'won', wonValue: '100' }).expect(409);
    assert.equal(skip.body.error.code, 'STATUS_OUT_OF_ORDER');
    assert.deepEqual(skip.body.error.details.allowed, ['contacted', 'lost']);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'contacted', note: 'CFO is hard to reach' }).expect(200);
    await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'proposal' }).expect(200);
    const back = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'contacted' }).expect(409);
    assert.equal(back.body.error.code, 'STATUS_OUT_OF_ORDER');
    const noValue = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'won' }).expect(422);
    assert.equal(noValue.body.error.code, 'WON_VALUE_REQUIRED');
    const events = await count(t, 'exchange_deal_events', 'lead_id = $1', [lead.id]);
    const won = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'won', wonValue: '5000000', note: 'Discount 5% agreed' }).expect(200);
    assert.equal(won.body.dealStatus, 'won');
    assert.equal(won.body.wonValue, '5000000');
    assert.equal(await count(t, 'exchange_deal_events', 'lead_id = $1', [lead.id]), events + 1);
    const after = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'lost', lostReason: 'x' }).expect(409);
    assert.equal(after.body.error.code, 'STATUS_OUT_OF_ORDER');

    // The submitter sees the status and history, never the receiver's notes or contact work.
    const seen = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(a.token)).expect(200)).body;
    assert.equal(seen.dealStatus, 'won');
    assert.deepEqual(seen.history.map((h: any) => h.status), ['accepted', 'contacted', 'proposal', 'won']);
    assert.ok(!JSON.stringify(seen).includes('CFO'));
    assert.ok(!JSON.stringify(seen).includes('Discount'));
    const listed = (await request(t.url).get('/api/exchange/leads/submitted').set(auth(a.token)).expect(200)).body;
    assert.ok(listed.some((l: any) => l.id === lead.id && l.dealStatus === 'won'));
    assert.ok(!JSON.stringify(listed).includes('CFO'));
    // The receiver sees its own notes.
    const own = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(b.token)).expect(200)).body;
    assert.equal(own.history[1].note, 'CFO is hard to reach');
  });

  it('the offered member sees the request but not how to reach the contact, nor its cost, until it accepts', async () => {
    const lead = await submitLead(t, a.token, { tags: ['crm'], contactEmail: 'secret@customer.example', contactPhone: '+7 900 000-00-00', cost: '777' });
    const offered = (await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(b.token)).expect(200)).body;
    assert.equal(offered.routingState, 'offered');
    assert.equal(offered.companyName, lead.companyName);
    assert.deepEqual([offered.contactEmail, offered.contactPhone, offered.cost], [null, null, null]);
    const inbox = (await request(t.url).get('/api/exchange/leads/inbox').set(auth(b.token)).expect(200)).body;
    assert.ok(!JSON.stringify(inbox).includes('secret@customer.example'));
    const accepted = (await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(b.token)).expect(200)).body;
    assert.deepEqual([accepted.contactEmail, accepted.contactPhone, accepted.cost], ['secret@customer.example', '+7 900 000-00-00', null]);
    assert.equal((await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(admin)).expect(200)).body.cost, '777');
  });

  it('a member cannot read or touch leads routed to someone else', async () => {
    const c = await member(t, admin, { tags: ['edi'] });
    const lead = await submitLead(t, a.token, { tags: ['crm'] });
    assert.equal(lead.receiverMemberId, b.id);
    const read = await request(t.url).get(`/api/exchange/leads/${lead.id}`).set(auth(c.token)).expect(403);
    assert.equal(read.body.error.code, 'LEAD_NOT_VISIBLE');
    const acc = await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(c.token)).expect(409);
    assert.equal(acc.body.error.code, 'NO_OPEN_OFFER');
    const dec = await request(t.url).post(`/api/exchange/leads/${lead.id}/decline`).set(auth(c.token)).send({}).expect(409);
    assert.equal(dec.body.error.code, 'NO_OPEN_OFFER');
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(b.token)).expect(200);
    const st = await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(c.token)).send({ status: 'contacted' }).expect(403);
    assert.equal(st.body.error.code, 'LEAD_NOT_VISIBLE');
    const inbox = (await request(t.url).get('/api/exchange/leads/inbox').set(auth(c.token)).expect(200)).body;
    assert.ok(!inbox.some((l: any) => l.id === lead.id));
    const [row] = await t.db.query(`SELECT deal_status, receiver_member_id FROM exchange_leads WHERE id = $1`, [lead.id]);
    assert.deepEqual(row, { deal_status: 'accepted', receiver_member_id: b.id });
    // Referrers and other roles are kept out entirely.
    await request(t.url).get('/api/exchange/leads/inbox').expect(401);
  });

  it('stale accepted leads are listed for the operator', async () => {
    const lead = await submitLead(t, a.token, { tags: ['crm'] });
    await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(b.token)).expect(200);
    await t.db.query(`UPDATE exchange_leads SET status_changed_at = now() - interval '20 days' WHERE id = $1`, [lead.id]);
    const stale = (await request(t.url).get('/api/exchange/leads/stale').set(auth(admin)).expect(200)).body;
    const row = stale.find((s: any) => s.id === lead.id);
    assert.equal(row.memberId, b.id);
    assert.equal(row.daysStale, 20);
  });
});

describe('referral fee', () => {
  it('is none by default and, once set, credits the submitter through the ledger exactly once', async () => {
    const won = async () => {
      const lead = await submitLead(t, a.token, { tags: ['crm'] });
      await request(t.url).post(`/api/exchange/leads/${lead.id}/accept`).set(auth(b.token)).expect(200);
      for (const s of ['contacted', 'proposal']) await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: s }).expect(200);
      await request(t.url).post(`/api/exchange/leads/${lead.id}/status`).set(auth(b.token)).send({ status: 'won', wonValue: '1234567' }).expect(200);
      return lead.id as string;
    };
    const ledger = t.app.get(LedgerService);
    const before = (await ledger.balances(a.id, 'RUB')).available;
    await won();
    assert.equal((await ledger.balances(a.id, 'RUB')).available, before);

    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feeKind: 'percent', feeBp: 250 }).expect(200);
    const id = await won();
    const fee = 30864n; // 1,234,567 × 2.5% = 30,864.175 → 30,864
    assert.equal((await ledger.balances(a.id, 'RUB')).available, before + fee);
    const [row] = await t.db.query(`SELECT amount, member_id FROM exchange_fees WHERE lead_id = $1`, [id]);
    assert.deepEqual(row, { amount: fee, member_id: a.id });
    assert.equal((await ledger.verify()).ok, true);

    // The submitter sees the fee and its balance; the receiving member sees none of it.
    const mine = (await request(t.url).get('/api/exchange/members/me/fees').set(auth(a.token)).expect(200)).body;
    const credited = mine.fees.find((f: { leadId: string }) => f.leadId === id);
    assert.deepEqual({ amount: credited.amount, currency: credited.currency, basis: credited.basis }, { amount: '30864', currency: 'RUB', basis: '250 bp of 1234567' });
    assert.match(credited.amountText, /308[.,]64/);
    assert.equal(mine.currency, 'RUB');
    assert.equal(BigInt(mine.available), before + fee);
    assert.ok(BigInt(mine.total) >= fee);
    const theirs = (await request(t.url).get('/api/exchange/members/me/fees').set(auth(b.token)).expect(200)).body;
    assert.equal(theirs.fees.some((f: { leadId: string }) => f.leadId === id), false);
    await request(t.url).get('/api/exchange/members/me/fees').set(auth(admin)).expect(403);
    await request(t.url).put('/api/exchange/settings').set(auth(admin)).send({ feeKind: 'none' }).expect(200);
  });
});

describe('nurture leads and the campaign tools', () => {
  it('hands a nurture lead\'s contact to an audience once; other leads are refused', async () => {
    const email = `warm-${suffix()}@customer.example`;
    const lead = await submitLead(t, a.token, { budget: '0', authority: 'influencer', need: 'medium', timelineDays: 100, contactEmail: email });
    assert.equal(lead.qualification, 'nurture');
    const res = await request(t.url).post(`/api/exchange/leads/${lead.id}/nurture`).set(auth(admin)).send({ audience: 'Warm leads' }).expect(200);
    assert.equal(res.body.handed, 1);
    assert.equal(res.body.audienceName, 'Warm leads');
    const [contact] = await t.db.query(`SELECT c.email FROM contacts c JOIN audiences au ON au.id = c.audience_id WHERE au.name = 'Warm leads'`);
    assert.equal(contact.email, email);
    const [row] = await t.db.query(`SELECT nurture_audience_id FROM exchange_leads WHERE id = $1`, [lead.id]);
    assert.equal(row.nurture_audience_id, res.body.audienceId);

    const ready = await submitLead(t, a.token, { tags: ['crm'] });
    assert.equal((await request(t.url).post(`/api/exchange/leads/${ready.id}/nurture`).set(auth(admin)).send({}).expect(409)).body.error.code, 'NOT_NURTURE');
    const noEmail = await submitLead(t, a.token, { budget: '0', authority: 'influencer', need: 'medium', timelineDays: 100, contactEmail: undefined });
    assert.equal((await request(t.url).post(`/api/exchange/leads/${noEmail.id}/nurture`).set(auth(admin)).send({}).expect(422)).body.error.code, 'CONTACT_EMAIL_MISSING');
    await request(t.url).post(`/api/exchange/leads/${lead.id}/nurture`).set(auth(a.token)).send({}).expect(403);
  });
});

describe('CLI commands', () => {
  it('exchange:import, exchange:route and exchange:nurture work on the app context', async () => {
    const lines: string[] = [];
    const ctx = { app: t.app, config: t.config, out: (l: string) => lines.push(l) };
    const file = join(mkdtempSync(join(tmpdir(), 'exchange-cli-')), 'leads.csv');
    writeFileSync(file, `company,contact_name,contact_email,tags,budget,authority,need,timeline_days\nCli Ready ${suffix()},Ann,ann@cli.example,crm,300000000,decision_maker,high,10\nCli Warm ${suffix()},Bob,bob-${suffix()}@cli.example,,0,influencer,medium,100\n`);
    assert.equal(await EXCHANGE_COMMANDS['exchange:import'].run([file], ctx as any), 0);
    assert.equal(lines.pop(), 'created=2 duplicates=0');
    await t.db.query(`UPDATE exchange_leads SET routing_state = 'pending', receiver_member_id = NULL WHERE routing_state = 'with_operator'`);
    assert.equal(await EXCHANGE_COMMANDS['exchange:route'].run([], ctx as any), 0);
    assert.match(lines.pop()!, /^expired=0 routed=\d+ with_operator=\d+$/);
    assert.equal(await EXCHANGE_COMMANDS['exchange:nurture'].run(['--audience', 'CLI warm'], ctx as any), 0);
    assert.match(lines.pop()!, /^audience="CLI warm" handed=[1-9]\d* refused=\d+$/);
  });
});

describe('pages', () => {
  it('join page → applicant desk → admitted by the operator page → desk with the forms', async () => {
    await request(t.url).get('/exchange/join').expect(200).expect(/no poaching|No poaching|no-poaching/i);
    const rules = (await request(t.url).get('/api/exchange/rules').expect(200)).body;
    const email = uniqueEmail('page', 'pages.example');
    const missing = await formPost(t, '/exchange/join').send({ email, password: PASSWORD, companyName: 'Page Co', contactName: 'Vera' }).expect(422);
    assert.match(missing.text, /data-code="RULES_NOT_ACCEPTED"/);
    const joined = await formPost(t, '/exchange/join')
      .send({ email, password: PASSWORD, companyName: 'Page Co', contactName: 'Vera', acceptedRulesVersion: String(rules.version) })
      .expect(303);
    const cookie = joined.headers['set-cookie'][0].split(';')[0];
    const desk = await request(t.url).get('/exchange').set('cookie', cookie).expect(200);
    assert.match(desk.text, /data-test="member-status"/);
    assert.doesNotMatch(desk.text, /data-test="lead-form"/);

    const adminEmail = uniqueEmail('pageadmin', 'handshake.example');
    await t.app.get(StaffService).create(adminEmail, PASSWORD, Role.Admin);
    const adminLogin = await request(t.url).post('/api/auth/login').send({ email: adminEmail, password: PASSWORD }).expect(200);
    const adminCookie = `hs_session=${adminLogin.body.accessToken}`;
    const [{ id }] = await t.db.query(`SELECT m.id FROM exchange_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1`, [email]);
    const adminPage = await request(t.url).get('/exchange/admin').set('cookie', adminCookie).expect(200);
    assert.match(adminPage.text, new RegExp(`data-member="${id}"`));
    await formPost(t, `/exchange/admin/members/${id}/admit`, adminCookie).send({}).expect(303);
    const bad = await formPost(t, '/exchange/admin/tags', adminCookie).send({ slug: 'Bad Slug', label: 'x' }).expect(400);
    assert.match(bad.text, /data-code="VALIDATION_FAILED"/);

    const after = await request(t.url).get('/exchange').set('cookie', cookie).expect(200);
    assert.match(after.text, /data-test="lead-form"/);
    const profile = await formPost(t, '/exchange/profile', cookie).send({ threshold: '100', tags: 'erp, nope', regions: '', weeklyCapacity: '3' }).expect(422);
    assert.match(profile.text, /data-code="UNKNOWN_TAG"/);
    await formPost(t, '/exchange/profile', cookie).send({ threshold: '1,00', tags: 'erp, edi', regions: 'msk', weeklyCapacity: '3' }).expect(303); // major units: 1,00 RUB
    const me = (await request(t.url).get('/api/exchange/members/me').set('cookie', cookie).expect(200)).body;
    assert.deepEqual([me.threshold, me.tags, me.regions, me.weeklyCapacity], ['100', ['edi', 'erp'], ['msk'], 3]);
    // Members and referrers are kept out of the operator's pages.
    await request(t.url).get('/exchange/admin').set('cookie', cookie).expect(403);
  });
});
