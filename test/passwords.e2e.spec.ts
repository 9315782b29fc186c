import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('passwords');
});
afterAll(() => t.close());

const register = (email: string, password: string, lang = 'en') =>
  request(t.url)
    .post('/api/referrers')
    .set('Accept-Language', lang)
    .send({ email, password, fullName: 'Anna Petrova', companyName: 'Retail Group', acceptedOfferVersion: 1 });
const users = async (email: string) => Number((await t.db.query('SELECT count(*) AS n FROM users WHERE email = $1', [email]))[0].n);

describe('weak passwords are refused with WEAK_PASSWORD and nothing is written', () => {
  const cases: [string, string, string][] = [
    ['Password12', 'too_short', 'shorter than 12'],
    ['qwerty1234', 'too_short', 'keyboard run, 10 characters'],
    ['qwertyuiop1234', 'too_guessable', 'keyboard run, 14 characters'],
    ['Password123456', 'too_guessable', 'a common password with digits'],
    ['correct-horse-42', 'too_guessable', 'a famous example behind separators'],
    ['iloveyou12345', 'too_guessable', 'a common phrase'],
    ['onlyletterspassword', 'too_guessable', 'dictionary words'],
  ];
  for (const [password, reason, why] of cases) {
    it(`${password} (${why})`, async () => {
      const email = uniqueEmail('weak');
      const res = await register(email, password).expect(400);
      assert.equal(res.body.error.code, 'WEAK_PASSWORD');
      assert.equal(res.body.error.details.reason, reason);
      assert.equal(await users(email), 0);
    });
  }

  it('a password built from the account email is refused', async () => {
    const email = `anna.petrova-${Date.now()}@retailgroup.example`;
    const res = await register(email, 'Anna-Petrova-Retailgroup').expect(400);
    assert.equal(res.body.error.details.reason, 'too_guessable');
  });

  it('answers in Russian when asked', async () => {
    const res = await register(uniqueEmail('weak'), 'Password12', 'ru').expect(400);
    assert.match(res.body.error.message, /не короче 12 символов/);
    const en = await register(uniqueEmail('weak'), 'Password123456').expect(400);
    assert.match(en.body.error.message, /too common or too easy to guess/);
  });

  it('applies to staff accounts and password changes too', async () => {
    const admin = await staffToken(t, Role.Admin);
    const staff = await request(t.url).post('/api/staff').set('Authorization', `Bearer ${admin}`).send({ email: uniqueEmail('fin'), password: 'qwertyuiop1234', role: 'finance' }).expect(400);
    assert.equal(staff.body.error.code, 'WEAK_PASSWORD');
    const r = await registerReferrer(t);
    const change = await request(t.url).post('/api/auth/password').set('Authorization', `Bearer ${r.token}`).send({ currentPassword: PASSWORD, newPassword: 'correct-horse-42' }).expect(400);
    assert.equal(change.body.error.code, 'WEAK_PASSWORD');
  });
});

it('accepts long passphrases of unrelated words', async () => {
  for (const password of [PASSWORD, 'violet-tractor-umbrella-93', 'Синий трактор пьёт какао 7']) {
    await register(uniqueEmail('strong'), password).expect(201);
  }
});
