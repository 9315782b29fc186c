import assert from 'node:assert/strict';
import request from 'supertest';
import { formPost } from './support/browser-form';
import { PASSWORD, registerReferrer, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('csrf');
});
afterAll(() => t.close());

const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await t.db.query(sql, params))[0].n);

describe('CSRF: Origin check and form token on every cookie or public form write', () => {
  it('refuses a login posted from another site, even with a valid token (login CSRF)', async () => {
    const r = await registerReferrer(t);
    const res = await formPost(t, '/login').set('origin', 'https://evil.example').send({ email: r.email, password: PASSWORD }).expect(403);
    assert.equal(res.body.error.code, 'CSRF_REFUSED');
    assert.equal(((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).some((c) => c.startsWith('hs_session=')), false);
  });

  it('refuses a login without the form token, and one with neither Origin nor Referer', async () => {
    const r = await registerReferrer(t);
    const noToken = await request(t.url).post('/login').set('origin', t.url).type('form').send({ email: r.email, password: PASSWORD }).expect(403);
    assert.equal(noToken.body.error.code, 'CSRF_REFUSED');
    const wrongToken = await formPost(t, '/login').send({ _csrf: 'x'.repeat(43), email: r.email, password: PASSWORD }).expect(403);
    assert.equal(wrongToken.body.error.code, 'CSRF_REFUSED');
    const noOrigin = await formPost(t, '/login').unset('origin').send({ email: r.email, password: PASSWORD }).expect(403);
    assert.equal(noOrigin.body.error.code, 'CSRF_REFUSED');
    // Referer stands in for a missing Origin.
    const referer = await formPost(t, '/login').unset('origin').set('referer', `${t.url}/login`).send({ email: r.email, password: PASSWORD }).expect(303);
    assert.equal(referer.headers.location, '/cabinet');
  });

  it('the token comes from the page: GET /login sets the seed cookie and renders the matching hidden field', async () => {
    const r = await registerReferrer(t);
    const page = await request(t.url).get('/login').expect(200);
    const seed = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hs_csrf='))!.split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    assert.match(page.text, new RegExp(`<meta name="csrf-token" content="${token}">`));
    await request(t.url).post('/login').set('origin', t.url).set('cookie', seed).type('form').send({ _csrf: token, email: r.email, password: PASSWORD }).expect(303);
    // The token of another browser's seed does not fit.
    await request(t.url).post('/login').set('origin', t.url).set('cookie', 'hs_csrf=' + 'A'.repeat(32)).type('form').send({ _csrf: token, email: r.email, password: PASSWORD }).expect(403);
  });

  it('refuses a cross-site registration and writes nothing', async () => {
    const email = uniqueEmail('csrf-reg');
    const res = await formPost(t, '/register')
      .set('origin', 'https://evil.example')
      .send({ email, password: PASSWORD, fullName: 'Cross Site', companyName: 'Shop', acceptedOfferVersion: '1' })
      .expect(403);
    assert.equal(res.body.error.code, 'CSRF_REFUSED');
    assert.equal(await count('SELECT count(*) AS n FROM users WHERE email = $1', [email]), 0);
  });

  it('a cookie session write needs the token, also on the API; a bearer call needs neither', async () => {
    const r = await registerReferrer(t);
    const cookie = `hs_session=${r.token}`;
    const noToken = await request(t.url).post('/cabinet/split').set('cookie', cookie).set('origin', t.url).type('form').send({ discountBp: '1100' }).expect(403);
    assert.equal(noToken.body.error.code, 'CSRF_REFUSED');
    await formPost(t, '/cabinet/split', cookie).send({ discountBp: '1100' }).expect(303);
    const apiWithCookie = await request(t.url).put('/api/referrers/me/split').set('cookie', cookie).set('origin', t.url).send({ discountBp: 1200 }).expect(403);
    assert.equal(apiWithCookie.body.error.code, 'CSRF_REFUSED');
    await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: 1200 }).expect(200);
  });

  it('a browser refused by the check sees a translated page, not JSON', async () => {
    const res = await request(t.url).post('/login').set('accept', 'text/html').set('accept-language', 'ru').type('form').send({ email: 'a@b.example', password: 'x' }).expect(403);
    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.text, /Форма устарела/);
    assert.match(res.text, /data-code="CSRF_REFUSED"/);
  });
});
