import assert from 'node:assert/strict';
import type { ArgumentsHost } from '@nestjs/common';
import express from 'express';
import request from 'supertest';
import { AllExceptionsFilter } from '../src/web/all-exceptions.filter';
import { ViewService } from '../src/web/view.service';
import { formPost } from './support/browser-form';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('error_pages');
});
afterAll(() => t.close());

const html = { accept: 'text/html,application/xhtml+xml' };

describe('human error pages', () => {
  it('404: a translated page in the layout for a browser; JSON for the API and for non-browsers', async () => {
    const ru = await request(t.url).get('/no-such-page').set(html).set('accept-language', 'ru').expect(404);
    assert.match(ru.headers['content-type'], /text\/html/);
    assert.match(ru.text, /<h1>Страница не найдена<\/h1>/);
    assert.match(ru.text, /<header class="topbar">/);
    const en = await request(t.url).get('/no-such-page?lang=en').set(html).expect(404);
    assert.match(en.text, /<h1>Page not found<\/h1>/);
    const api = await request(t.url).get('/api/no-such-thing').set(html).expect(404);
    assert.equal(api.body.error.code, 'NOT_FOUND');
    assert.ok(api.body.error.correlationId);
    const json = await request(t.url).get('/no-such-page').set('accept', 'application/json').expect(404);
    assert.equal(json.body.error.code, 'NOT_FOUND');
  });

  it('404 for a signed-in visitor: the page keeps their own top bar (no route guard ran, the session is still recognised)', async () => {
    const r = await registerReferrer(t);
    const res = await request(t.url).get('/no-such-page').set(html).set('cookie', `hs_session=${r.token}`).set('accept-language', 'ru').expect(404);
    assert.match(res.text, /<h1>Страница не найдена<\/h1>/);
    assert.match(res.text, /href="\/cabinet\/earnings"/, 'the referrer\'s sections');
    assert.doesNotMatch(res.text, /href="\/register"/, 'not the anonymous top bar');
    const anonymous = await request(t.url).get('/no-such-page').set(html).set('cookie', 'hs_session=not.a.token').expect(404);
    assert.match(anonymous.text, /href="\/login"/);
  });

  it('403: a page that says the account cannot open it, in the signed-in role’s top bar', async () => {
    const r = await registerReferrer(t);
    const res = await request(t.url).get('/finance/payouts').set(html).set('cookie', `hs_session=${r.token}`).set('accept-language', 'ru').expect(403);
    assert.match(res.text, /Эта страница не для вашей учётной записи/);
    assert.match(res.text, /href="\/cabinet\/earnings"/);
    assert.doesNotMatch(res.text, /This route is for|finance, admin/);
    const api = await request(t.url).get('/api/payouts/batches').set('authorization', `Bearer ${r.token}`).expect(403);
    assert.equal(api.body.error.code, 'FORBIDDEN');
  });

  it('401: a GET goes to the login page keeping the address; a POST gets a page with a login link back to where it came from', async () => {
    const get = await request(t.url).get('/cabinet/earnings?x=1').set(html).expect(303);
    assert.equal(get.headers.location, '/login?next=%2Fcabinet%2Fearnings%3Fx%3D1');
    const post = await formPost(t, '/cabinet/split', 'hs_session=expired.token.value').set(html).set('referer', `${t.url}/cabinet`).send({ discountBp: '1000' }).expect(401);
    assert.match(post.text, /data-test="error-login"/);
    assert.match(post.text, /href="\/login\?next(=|&#x3D;)%2Fcabinet"/);
  });

  it('500: a translated page with the correlation id, never the error itself', async () => {
    const filter = new AllExceptionsFilter(t.app.get(ViewService));
    const app = express();
    app.get('/boom', (req, res) => {
      (req as unknown as { correlationId: string }).correlationId = 'corr-1234';
      const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
      filter.catch(new Error('secret internals: connection refused'), host);
    });
    const res = await request(app).get('/boom').set(html).set('accept-language', 'ru').expect(500);
    assert.match(res.text, /У нас что-то сломалось/);
    assert.match(res.text, /corr-1234/);
    assert.doesNotMatch(res.text, /secret internals/);
    const api = await request(app).get('/boom').set('accept', 'application/json').expect(500);
    assert.equal(api.body.error.code, 'INTERNAL');
    assert.equal(api.body.error.correlationId, 'corr-1234');
  });
});
