import assert from 'node:assert/strict';
import request from 'supertest';
import { seedAvailable } from './support/fake-stripe-connect';
import { PASSWORD, registerReferrer, uniqueEmail } from './support/fixtures';
import { formPost } from './support/browser-form';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('pages');
});
afterAll(() => t.close());

describe('server-rendered pages', () => {
  it('speaks Russian to a Russian browser and English otherwise; ?lang= switches and is remembered', async () => {
    const ru = await request(t.url).get('/register').set('accept-language', 'ru-RU,ru;q=0.9,en;q=0.5').expect(200);
    assert.match(ru.text, /Стать партнёром/);
    assert.match(ru.text, /<html lang="ru">/);
    const en = await request(t.url).get('/register').set('accept-language', 'de-DE,en;q=0.8').expect(200);
    assert.match(en.text, /Become a referrer/);
    const switched = await request(t.url).get('/register?lang=ru').set('accept-language', 'en').expect(200);
    assert.match(switched.text, /Стать партнёром/);
    const cookie = switched.headers['set-cookie'][0].split(';')[0];
    const remembered = await request(t.url).get('/login').set('cookie', cookie).set('accept-language', 'en').expect(200);
    assert.match(remembered.text, /Вход/);
  });

  it('registers through the form, sets an http-only session cookie and shows the cabinet', async () => {
    const email = uniqueEmail('form');
    const res = await formPost(t, '/register')
      .send({ email, password: PASSWORD, fullName: 'Olga Form', companyName: 'Form Retail', companyTaxId: '', acceptedOfferVersion: '1' })
      .expect(303);
    assert.equal(res.headers.location, '/cabinet');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith('hs_session='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const cabinet = await request(t.url).get('/cabinet').set('cookie', cookie.split(';')[0]).expect(200);
    assert.match(cabinet.text, /data-test="promo-code">[2-9A-HJKMNP-Z]{10}</);
    assert.match(cabinet.text, /\/join\?ref(=|&#x3D;)[2-9A-HJKMNP-Z]{10}/);
  });

  it('re-renders the form with the error when the offer is not accepted, and writes nothing', async () => {
    const email = uniqueEmail('noaccept');
    const res = await formPost(t, '/register').send({ email, password: PASSWORD, fullName: 'No Accept', companyName: 'Shop' }).expect(422);
    assert.match(res.text, /data-code="OFFER_NOT_ACCEPTED"/);
    assert.match(res.text, new RegExp(email.replace(/[.]/g, '\\.')));
    assert.equal(Number((await t.db.query('SELECT count(*) AS n FROM users WHERE email = $1', [email]))[0].n), 0);
  });

  it('sends anonymous visitors of the cabinet to the login page, and refuses cross-site form posts', async () => {
    const res = await request(t.url).get('/cabinet').set('accept', 'text/html').expect(303);
    assert.equal(res.headers.location, '/login?next=%2Fcabinet');
    const reg = await formPost(t, '/register')
      .send({ email: uniqueEmail('csrf'), password: PASSWORD, fullName: 'Cross Site', companyName: 'Shop', acceptedOfferVersion: '1' })
      .expect(303);
    const cookie = (reg.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith('hs_session='))!.split(';')[0];
    const forged = await formPost(t, '/cabinet/split', cookie).set('origin', 'https://evil.example').send({ discountBp: '100' }).expect(403);
    assert.equal(forged.body.error.code, 'CSRF_REFUSED');
  });

  it('a wrong password re-renders the login page with 401', async () => {
    const res = await formPost(t, '/login').send({ email: 'nobody@x.example', password: 'wrong-password-9' }).expect(401);
    assert.match(res.text, /data-code="INVALID_CREDENTIALS"/);
  });

  it('shows money in the reader notation and a Russian page the catalog words for an API error code', async () => {
    const home = await request(t.url).get('/?lang=ru').expect(200);
    assert.match(home.text, /выплата от 1\u00a0000,00\u00a0₽/);
    assert.doesNotMatch(home.text, /100000/, 'never minor units on a page');
    const email = uniqueEmail('taken');
    await registerReferrer(t, { email });
    const taken = await formPost(t, '/register?lang=ru').send({ email, password: PASSWORD, fullName: 'Twice', companyName: 'Shop', acceptedOfferVersion: '1' }).expect(409);
    assert.match(taken.text, /data-code="EMAIL_TAKEN"/);
    assert.match(taken.text, /Учётная запись с этой почтой уже есть/);
    assert.doesNotMatch(taken.text, /An account with this email already exists/, 'the server English message stays in the API');
  });

  it('tells a referrer why nothing is paid: no payout details, below the minimum; the statement reads as events', async () => {
    const r = await registerReferrer(t);
    await seedAvailable(t, r.id, 50_000n); // 500,00 ₽ of the 1 000,00 ₽ minimum
    const cookie = `hs_session=${r.token}`;
    for (const path of ['/cabinet', '/cabinet/earnings']) {
      const page = await request(t.url).get(`${path}?lang=ru`).set('cookie', cookie).expect(200);
      assert.match(page.text, /data-test="needs-details"/, path);
      assert.match(page.text, /У вас доступно 500,00\u00a0₽, но выплатить ничего нельзя, пока вы не укажете реквизиты/, path);
      assert.match(page.text, /href="\/cabinet\/payout-details" data-test="add-details"/, path);
      assert.match(page.text, /500,00\u00a0₽ из минимальной выплаты 1\u00a0000,00\u00a0₽: ещё 500,00\u00a0₽/, path);
    }
    const earnings = await request(t.url).get('/cabinet/earnings?lang=en').set('cookie', cookie).expect(200);
    assert.equal((earnings.text.match(/data-test="statement-row"/g) ?? []).length, 1, 'one row per posting, not one per ledger entry');
    assert.match(earnings.text, /data-kind="commission"/);
    assert.match(earnings.text, /Available: RUB\u00a0500\.00/);
    assert.doesNotMatch(earnings.text, /referrer_available|Test commission/);
  });

  it('a referrer without Stripe configured is told to add bank details instead, in their language', async () => {
    const r = await registerReferrer(t);
    const cookie = `hs_session=${r.token}`;
    const page = await request(t.url).get('/cabinet/payout-details?lang=ru').set('cookie', cookie).expect(200);
    assert.match(page.text, /data-test="connect-unavailable">Выплаты через Stripe пока недоступны — укажите банковские реквизиты\./);
    assert.doesNotMatch(page.text, /data-test="connect-start"/);
    const posted = await formPost(t, '/cabinet/payout-details/connect?lang=en', cookie).send({}).expect(422);
    assert.match(posted.text, /Payouts through Stripe are not available yet — add bank details instead\./);
    assert.doesNotMatch(posted.text, /STRIPE_SECRET_KEY/, 'no operator message reaches a referrer');
  });
});
