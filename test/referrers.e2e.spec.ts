import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
const count = async (table: string) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const counts = async () => ({ users: await count('users'), referrers: await count('referrers'), codes: await count('promo_codes'), splits: await count('referrer_splits') });

beforeAll(async () => {
  t = await startTestApp('referrers', { env: { PROMO_CHECK_LIMIT_PER_MINUTE: '1000' } });
});
afterAll(() => t.close());

describe('referrer registration', () => {
  it('registers, records the offer acceptance and issues a code and link', async () => {
    const r = await registerReferrer(t, { companyTaxId: '77-0123 4567' });
    const cabinet = r.body.referrer;
    assert.match(cabinet.promoCode.code, /^[2-9A-HJKMNP-Z]{10}$/);
    assert.equal(cabinet.promoCode.referralLink, `${t.config.publicBaseUrl}/join?ref=${cabinet.promoCode.code}`);
    assert.equal(cabinet.companyTaxId, '7701234567');
    assert.equal(cabinet.offer.version, 1);
    assert.ok(cabinet.offer.ip.length > 0);
    assert.deepEqual({ d: cabinet.split.discountBp, c: cabinet.split.commissionBp }, { d: 0, c: 2000 });
    const rows = await t.db.query('SELECT offer_version, ip, accepted_at FROM offer_acceptances WHERE referrer_id = $1', [r.id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].offer_version, 1);
  });

  const bad: [string, Record<string, unknown>, number, string][] = [
    ['weak password', { password: 'short1' }, 400, 'WEAK_PASSWORD'],
    ['password without digits', { password: 'onlyletterspassword' }, 400, 'WEAK_PASSWORD'],
    ['malformed email', { email: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
    ['missing offer acceptance', { acceptedOfferVersion: undefined }, 422, 'OFFER_NOT_ACCEPTED'],
    ['a stale offer version', { acceptedOfferVersion: 0 }, 409, 'OFFER_VERSION_STALE'],
    ['an unknown field', { isAdmin: true }, 400, 'VALIDATION_FAILED'],
    ['a malformed tax id', { companyTaxId: '!!' }, 400, 'TAX_ID_MALFORMED'],
    ['a string offer version', { acceptedOfferVersion: 'yes' }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [name, change, status, code] of bad) {
    it(`refuses ${name} with ${code} and writes nothing`, async () => {
      const before = await counts();
      const body = { email: uniqueEmail(), password: PASSWORD, fullName: 'Ivan Ivanov', companyName: 'Shop', acceptedOfferVersion: 1, ...change };
      const res = await request(t.url).post('/api/referrers').send(body).expect(status);
      assert.equal(res.body.error.code, code);
      assert.equal(typeof res.body.error.message, 'string');
      assert.equal(res.body.error.correlationId, res.headers['x-correlation-id']);
      assert.deepEqual(await counts(), before);
    });
  }

  it('refuses a duplicate email (any case) with EMAIL_TAKEN and writes nothing', async () => {
    const r = await registerReferrer(t);
    const before = await counts();
    const res = await request(t.url)
      .post('/api/referrers')
      .send({ email: r.email.toUpperCase(), password: PASSWORD, fullName: 'Other', companyName: 'Other Co', acceptedOfferVersion: 1 })
      .expect(409);
    assert.equal(res.body.error.code, 'EMAIL_TAKEN');
    assert.deepEqual(await counts(), before);
  });

  it('answers malformed JSON with MALFORMED_JSON', async () => {
    const res = await request(t.url).post('/api/referrers').set('content-type', 'application/json').send('{"email":').expect(400);
    assert.equal(res.body.error.code, 'MALFORMED_JSON');
  });
});

describe('log in and the split', () => {
  it('logs in with the password and reads the own cabinet', async () => {
    const r = await registerReferrer(t);
    const login = await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200);
    const me = await request(t.url).get('/api/referrers/me').set('authorization', `Bearer ${login.body.accessToken}`).expect(200);
    assert.equal(me.body.id, r.id);
    const wrong = await request(t.url).post('/api/auth/login').send({ email: r.email, password: 'wrong-password-1' }).expect(401);
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
  });

  it('changes the split within the bounds and keeps every change', async () => {
    const r = await registerReferrer(t);
    const auth = { authorization: `Bearer ${r.token}` };
    const res = await request(t.url).put('/api/referrers/me/split').set(auth).send({ discountBp: 1200 }).expect(200);
    assert.deepEqual({ d: res.body.discountBp, c: res.body.commissionBp, b: res.body.budgetBp }, { d: 1200, c: 800, b: 2000 });
    await request(t.url).put('/api/referrers/me/split').set(auth).send({ discountBp: 1500 }).expect(200);
    const history = await request(t.url).get('/api/referrers/me/split-history').set(auth).expect(200);
    assert.deepEqual(history.body.map((h: { discountBp: number }) => h.discountBp), [1500, 1200, 0]);
    const quote = await request(t.url).get(`/api/promo-codes/${r.code.toLowerCase()}`).expect(200);
    assert.deepEqual({ bp: quote.body.discountBp, pct: quote.body.discountPercent }, { bp: 1500, pct: '15%' });
  });

  for (const [discountBp, code, status] of [
    [1501, 'SPLIT_OUT_OF_BOUNDS', 422],
    [-1, 'SPLIT_OUT_OF_BOUNDS', 422],
    [10.5, 'VALIDATION_FAILED', 400],
    ['abc', 'VALIDATION_FAILED', 400],
  ] as const) {
    it(`refuses discount ${discountBp} with ${code}`, async () => {
      const r = await registerReferrer(t);
      const res = await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp }).expect(status);
      assert.equal(res.body.error.code, code);
      assert.equal(await count(`referrer_splits WHERE referrer_id = '${r.id}'`), 1);
    });
  }
});

describe('promo code states', () => {
  it('pauses, resumes and is revoked for good by an admin', async () => {
    const r = await registerReferrer(t);
    const auth = { authorization: `Bearer ${r.token}` };
    await request(t.url).post('/api/referrers/me/promo-code/pause').set(auth).expect(200);
    const paused = await request(t.url).get(`/api/promo-codes/${r.code}`).expect(409);
    assert.equal(paused.body.error.code, 'PROMO_CODE_PAUSED');
    await request(t.url).post('/api/referrers/me/promo-code/resume').set(auth).expect(200);
    await request(t.url).get(`/api/promo-codes/${r.code}`).expect(200);
    const admin = await staffToken(t, Role.Admin);
    await request(t.url).post(`/api/promo-codes/${r.code}/revoke`).set('authorization', `Bearer ${admin}`).expect(200);
    const revoked = await request(t.url).get(`/api/promo-codes/${r.code}`).expect(410);
    assert.equal(revoked.body.error.code, 'PROMO_CODE_REVOKED');
    const resume = await request(t.url).post('/api/referrers/me/promo-code/resume').set(auth).expect(410);
    assert.equal(resume.body.error.code, 'PROMO_CODE_REVOKED');
  });

  it('tells unknown from malformed codes', async () => {
    assert.equal((await request(t.url).get('/api/promo-codes/ZZZZZZZZZZ').expect(404)).body.error.code, 'PROMO_CODE_NOT_FOUND');
    assert.equal((await request(t.url).get('/api/promo-codes/O0O0O0O0').expect(400)).body.error.code, 'PROMO_CODE_MALFORMED');
  });

  it('a referrer cannot revoke codes', async () => {
    const r = await registerReferrer(t);
    const res = await request(t.url).post(`/api/promo-codes/${r.code}/revoke`).set('authorization', `Bearer ${r.token}`).expect(403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
  });
});

describe('a referrer sees only their own data', () => {
  it('cannot read another referrer by id, nor list referrers', async () => {
    const a = await registerReferrer(t);
    const b = await registerReferrer(t);
    const asA = { authorization: `Bearer ${a.token}` };
    assert.equal((await request(t.url).get(`/api/referrers/${b.id}`).set(asA).expect(403)).body.error.code, 'FORBIDDEN');
    await request(t.url).get('/api/referrers').set(asA).expect(403);
    const me = await request(t.url).get('/api/referrers/me').set(asA).expect(200);
    assert.equal(me.body.id, a.id);
    assert.notEqual(me.body.promoCode.code, b.code);
  });

  it('finance can read a referrer; anonymous callers cannot', async () => {
    const a = await registerReferrer(t);
    const finance = await staffToken(t, Role.Finance);
    const res = await request(t.url).get(`/api/referrers/${a.id}`).set('authorization', `Bearer ${finance}`).expect(200);
    assert.equal(res.body.promoCode.code, a.code);
    assert.equal((await request(t.url).get(`/api/referrers/${a.id}`).expect(401)).body.error.code, 'UNAUTHENTICATED');
  });

  it('a forged token is refused', async () => {
    const res = await request(t.url).get('/api/referrers/me').set('authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad').expect(401);
    assert.equal(res.body.error.code, 'UNAUTHENTICATED');
  });
});
