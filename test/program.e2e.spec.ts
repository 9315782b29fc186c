import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const root = join(__dirname, '..', '..');
let t: TestApp;
let admin: string;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'dist/src/cli.js'), ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

beforeAll(async () => {
  t = await startTestApp('program', { env: { PROMO_CHECK_LIMIT_PER_MINUTE: '1000' } });
  admin = await staffToken(t, Role.Admin);
});
afterAll(() => t.close());

describe('npm run cli -- admin:create', () => {
  it('creates an admin who can log in; refuses a duplicate and bad usage', async () => {
    const email = uniqueEmail('root', 'handshake.example');
    const ok = cli('admin:create', '--email', email, '--password', PASSWORD);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /created admin/);
    const login = await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
    assert.equal(login.body.account.role, 'admin');
    const dup = cli('admin:create', '--email', email, '--password', PASSWORD);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /EMAIL_TAKEN/);
    const weak = cli('admin:create', '--email', uniqueEmail('x'), '--password', 'weak');
    assert.match(weak.stderr, /WEAK_PASSWORD/);
    const usage = cli('admin:create', '--email', email);
    assert.equal(usage.status, 64);
    assert.match(usage.stderr, /--email and --password are required/);
  });
});

describe('the admin sets the program', () => {
  const auth = () => ({ authorization: `Bearer ${admin}` });

  it('changes every term, and only an admin may', async () => {
    const res = await request(t.url)
      .patch('/api/program')
      .set(auth())
      .send({ currency: 'USD', budgetBp: 2500, discountMinBp: 500, discountMaxBp: 2000, commissionMonths: null, holdDays: 14, payoutMinimum: '5000' })
      .expect(200);
    assert.deepEqual(
      { c: res.body.currency, b: res.body.budgetBp, lo: res.body.discountMinBp, hi: res.body.discountMaxBp, m: res.body.commissionMonths, h: res.body.holdDays, min: res.body.payoutMinimum },
      { c: 'USD', b: 2500, lo: 500, hi: 2000, m: null, h: 14, min: '5000' },
    );
    const referrer = await registerReferrer(t);
    await request(t.url).patch('/api/program').set('authorization', `Bearer ${referrer.token}`).send({ holdDays: 1 }).expect(403);
    await request(t.url).patch('/api/program').send({ holdDays: 1 }).expect(401);
  });

  for (const [body, code] of [
    [{ discountMinBp: 1500, discountMaxBp: 1000 }, 'PROGRAM_INVALID'],
    [{ discountMaxBp: 3000 }, 'PROGRAM_INVALID'],
    [{ currency: 'XYZ' }, 'UNKNOWN_CURRENCY'],
    [{ currency: 'usd' }, 'VALIDATION_FAILED'],
    [{ budgetBp: 10001 }, 'VALIDATION_FAILED'],
    [{ payoutMinimum: '-5' }, 'VALIDATION_FAILED'],
    [{ holdDays: 1.5 }, 'VALIDATION_FAILED'],
    [{ nonsense: 1 }, 'VALIDATION_FAILED'],
  ] as const) {
    it(`refuses ${JSON.stringify(body)} with ${code} and changes nothing`, async () => {
      const before = (await request(t.url).get('/api/program')).body;
      const res = await request(t.url).patch('/api/program').set(auth()).send(body);
      assert.ok(res.status >= 400 && res.status < 500);
      assert.equal(res.body.error.code, code);
      assert.deepEqual((await request(t.url).get('/api/program')).body, before);
    });
  }

  it('a new offer text is a new immutable version; registrations must accept the current one', async () => {
    const before = (await request(t.url).get('/api/program')).body.currentOffer.version;
    const text = `Offer version with new terms ${Date.now()}: commission paid monthly.`;
    const res = await request(t.url).patch('/api/program').set(auth()).send({ offerText: text }).expect(200);
    assert.equal(res.body.currentOffer.version, before + 1);
    const same = await request(t.url).post('/api/program/offer-versions').set(auth()).send({ text }).expect(409);
    assert.equal(same.body.error.code, 'OFFER_TEXT_UNCHANGED');
    const stale = await request(t.url)
      .post('/api/referrers')
      .send({ email: uniqueEmail(), password: PASSWORD, fullName: 'Late Reader', companyName: 'Shop', acceptedOfferVersion: before })
      .expect(409);
    assert.equal(stale.body.error.code, 'OFFER_VERSION_STALE');
    assert.equal(stale.body.error.details.currentVersion, before + 1);
    const r = await registerReferrer(t, { acceptedOfferVersion: before + 1 });
    assert.equal(r.body.referrer.offer.text, text);
    await assert.rejects(t.db.query('UPDATE offer_versions SET text = $1 WHERE version = 1', ['rewritten']), /append-only/);
    await assert.rejects(t.db.query('DELETE FROM offer_versions WHERE version = 1'), /append-only/);
    const history = await request(t.url).get('/api/program/offer-versions').set(auth()).expect(200);
    assert.equal(history.body[0].version, before + 1);
  });

  it('narrowed bounds clamp an earlier split for new suppliers', async () => {
    await request(t.url).patch('/api/program').set(auth()).send({ budgetBp: 2000, discountMinBp: 0, discountMaxBp: 1500 }).expect(200);
    const version = (await request(t.url).get('/api/program')).body.currentOffer.version;
    const r = await registerReferrer(t, { acceptedOfferVersion: version });
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1500 }).expect(200);
    await request(t.url).patch('/api/program').set(auth()).send({ discountMaxBp: 1000 }).expect(200);
    const quote = await request(t.url).get(`/api/promo-codes/${r.code}`).expect(200);
    assert.equal(quote.body.discountBp, 1000);
  });
});
