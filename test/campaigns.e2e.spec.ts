import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { staffToken } from './support/fixtures';
import { linksOf, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let sink: SmtpSink;
let token: string;
let sender: CampaignSender;
let second: TestApp;
const auth = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  sink = await new SmtpSink().start();
  // JWT_SECRET fixed: passport strategies are process-wide and a second instance is started below.
  t = await startTestApp('campaigns', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', JWT_SECRET: 'x'.repeat(40) } });
  token = await staffToken(t, Role.Marketer);
  sender = t.app.get(CampaignSender);
  sender.retryBaseMs = 0;
  // A second instance on the same database (kept until the end: passport strategies are process-wide).
  second = await startTestApp('campaigns', { databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', JWT_SECRET: 'x'.repeat(40) } });
});
afterAll(async () => {
  await second.close();
  await t.close();
  await sink.stop();
});

describe('campaign templates', () => {
  it('refuses a template that does not compile, with its line', async () => {
    const { id } = await createAudience(t, token, 'tpl-audience', csvOf([['a@x.example', 'A', 'X']]));
    const res = await request(t.url).post('/api/campaigns').set(auth()).send({ name: 'bad', audienceId: id, subject: 'Hi', body: '<p>one</p>\n<p>two</p>\n{{#if name}}<p>three</p>' }).expect(422);
    assert.equal(res.body.error.code, 'TEMPLATE_SYNTAX_ERROR');
    assert.equal(typeof res.body.error.details.line, 'number');
    assert.match(res.body.error.message, /line \d+/);
    const partial = await request(t.url).post('/api/campaigns').set(auth()).send({ name: 'bad', audienceId: id, subject: 'Hi', body: '<p>one</p>\n{{> nosuchpartial}}' }).expect(422);
    assert.equal(partial.body.error.code, 'TEMPLATE_UNKNOWN_PARTIAL');
    assert.equal(partial.body.error.details.line, 2);
    assert.equal(Number((await t.db.query('SELECT count(*) AS n FROM campaigns'))[0].n), 0);
  });

  it('previews with a sample recipient: inlined CSS, a plain-text part, the personal registration link', async () => {
    const { id } = await createAudience(t, token, 'preview-audience', csvOf([['olga@shop.example', 'Olga Smirnova', 'Shop One']]));
    const c = await createCampaign(t, token, id);
    const p = await request(t.url).post(`/api/campaigns/${c.id}/preview`).set(auth()).expect(200);
    assert.equal(p.body.subject, 'Olga, earn with your suppliers');
    assert.match(p.body.html, /Hello Olga,/);
    assert.match(p.body.html, /<a class="button" href="[^"]+" style="[^"]*background/);
    assert.match(p.body.text, /Become a referrer \(http:\/\/localhost:\d+\/t\/c\//);
    assert.doesNotMatch(p.body.text, /</);
    const test = await request(t.url).post(`/api/campaigns/${c.id}/test`).set(auth()).send({ to: 'marketer@handshake.example' }).expect(200);
    assert.equal(test.body.delivery, 'smtp');
    const [mail] = sink.to('marketer@handshake.example');
    const parsed = await sink.parse(mail);
    assert.match(parsed.subject ?? '', /^\[TEST\] /);
    assert.ok(parsed.text && parsed.html);
  });
});

describe('sending', () => {
  it('refuses to send a campaign with no recipients and sends nothing', async () => {
    const a = await request(t.url).post('/api/audiences').set(auth()).send({ name: 'empty' }).expect(201);
    const c = await createCampaign(t, token, a.body.id);
    const before = sink.count;
    const res = await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth()).send({}).expect(422);
    assert.equal(res.body.error.code, 'CAMPAIGN_NO_RECIPIENTS');
    assert.equal((await request(t.url).get(`/api/campaigns/${c.id}`).set(auth()).expect(200)).body.status, 'draft');
    await sender.drain();
    assert.equal(sink.count, before);
  });

  it('sends to every recipient once over SMTP, retries 4xx, bounces 5xx, with RFC 8058 headers', async () => {
    const rows: [string, string, string][] = Array.from({ length: 30 }, (_, i) => [`buyer${i}@retail.example`, `Buyer ${i}`, `Retail ${i}`]);
    rows.push(['gone@retail.example', 'Gone', 'Nowhere'], ['slow@retail.example', 'Slow', 'Later']);
    const { id } = await createAudience(t, token, 'send-audience', csvOf(rows));
    sink.reject('gone@retail.example').deferTimes('slow@retail.example', 2);
    const c = await createCampaign(t, token, id);
    const started = await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth()).send({}).expect(200);
    assert.equal(started.body.status, 'sending');
    assert.equal(started.body.progress.listed, 32);
    await sender.drain();
    const done = (await request(t.url).get(`/api/campaigns/${c.id}`).set(auth()).expect(200)).body;
    assert.equal(done.status, 'sent');
    assert.deepEqual(
      { listed: done.progress.listed, sent: done.progress.sent, bounced: done.progress.bounced, failed: done.progress.failed, remaining: done.progress.remaining },
      { listed: 32, sent: 32, bounced: 1, failed: 0, remaining: 0 },
    );
    for (const [email] of rows) if (email !== 'gone@retail.example') assert.equal(sink.to(email).length, 1, email);
    const [send] = await t.db.query(`SELECT attempts, status FROM campaign_sends WHERE email = 'slow@retail.example'`);
    assert.deepEqual(send, { attempts: 3, status: 'sent' });
    assert.equal((await t.db.query(`SELECT reason FROM suppressions WHERE email = 'gone@retail.example'`))[0].reason, 'hard_bounce');
    const raw = sink.to('buyer3@retail.example')[0];
    const parsed = await sink.parse(raw);
    const headers = raw.raw.replace(/\r\n[ \t]+/g, ' ');
    assert.match(headers, /^List-Unsubscribe: <http:\/\/localhost:\d+\/unsubscribe\/[^>]+>\r?$/m);
    assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    assert.match(parsed.html || '', /Hello Buyer,/);
    assert.match(parsed.text || '', /Retail 3/);
    const links = linksOf(parsed.html || '');
    assert.ok(links.pixel && links.unsubscribe && links.clicks.length === 2);
  });

  it('unsubscribes on POST only; a GET shows a confirmation page; the address is never mailed again', async () => {
    const { id } = await createAudience(t, token, 'unsub-audience', csvOf([['leave@retail.example', 'Lea', 'L'], ['stay@retail.example', 'Stan', 'S']]));
    const c = await createCampaign(t, token, id);
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth()).send({}).expect(200);
    await sender.drain();
    const parsed = await sink.parse(sink.to('leave@retail.example')[0]);
    const url = new URL(linksOf(parsed.html || '').unsubscribe!);
    const page = await request(t.url).get(url.pathname).expect(200);
    assert.match(page.text, /data-test="unsubscribe-button"/);
    assert.equal((await t.db.query(`SELECT count(*) AS n FROM suppressions WHERE email = 'leave@retail.example'`))[0].n, 0n);
    await request(t.url).post(url.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    assert.equal((await t.db.query(`SELECT reason FROM suppressions WHERE email = 'leave@retail.example'`))[0].reason, 'unsubscribed');
    await request(t.url).post(url.pathname.slice(0, -3) + 'AAA').expect(404);
    // a new campaign to the same audience leaves the address out
    const again = await createCampaign(t, token, id, { name: 'again' });
    const started = await request(t.url).post(`/api/campaigns/${again.id}/schedule`).set(auth()).send({}).expect(200);
    assert.equal(started.body.progress.listed, 1);
    await sender.drain();
    assert.equal(sink.to('leave@retail.example').length, 1);
    assert.equal(sink.to('stay@retail.example').length, 2);
  });

  it('pauses, resumes, cancels, and schedules for later', async () => {
    const { id } = await createAudience(t, token, 'state-audience', csvOf([['p1@retail.example', 'P', 'P']]));
    const c = await createCampaign(t, token, id);
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth()).send({}).expect(200);
    await request(t.url).post(`/api/campaigns/${c.id}/pause`).set(auth()).expect(200);
    await sender.drain();
    assert.equal(sink.to('p1@retail.example').length, 0);
    const conflict = await request(t.url).post(`/api/campaigns/${c.id}/pause`).set(auth()).expect(409);
    assert.equal(conflict.body.error.code, 'CAMPAIGN_STATE_CONFLICT');
    await request(t.url).post(`/api/campaigns/${c.id}/resume`).set(auth()).expect(200);
    await sender.drain();
    assert.equal(sink.to('p1@retail.example').length, 1);
    assert.equal((await request(t.url).get(`/api/campaigns/${c.id}`).set(auth())).body.status, 'sent');

    const later = await createCampaign(t, token, id, { name: 'later' });
    const at = new Date(Date.now() + 3600_000).toISOString();
    const s = await request(t.url).post(`/api/campaigns/${later.id}/schedule`).set(auth()).send({ at }).expect(200);
    assert.equal(s.body.status, 'scheduled');
    await sender.drain();
    assert.equal(sink.to('p1@retail.example').length, 1);
    await t.db.query(`UPDATE campaigns SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [later.id]);
    await sender.drain();
    assert.equal(sink.to('p1@retail.example').length, 2);

    const cancelled = await createCampaign(t, token, id, { name: 'cancelled' });
    await request(t.url).post(`/api/campaigns/${cancelled.id}/cancel`).set(auth()).expect(200);
    assert.equal((await request(t.url).post(`/api/campaigns/${cancelled.id}/schedule`).set(auth()).send({}).expect(409)).body.error.code, 'CAMPAIGN_STATE_CONFLICT');
  });

  it('shares the sending between two instances: each recipient exactly once', async () => {
    const rows: [string, string, string][] = Array.from({ length: 300 }, (_, i) => [`shared${i}@retail.example`, `S ${i}`, 'Shared']);
    const { id } = await createAudience(t, token, 'shared-audience', csvOf(rows));
    const c = await createCampaign(t, token, id);
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth()).send({}).expect(200);
    const [a, b] = await Promise.all([sender.drain(), second.app.get(CampaignSender).drain()]);
    assert.equal(a + b, 300);
    process.stdout.write(`# instance A sent ${a}, instance B sent ${b}\n`);
    for (const [email] of rows) assert.equal(sink.to(email).length, 1, email);
    assert.equal((await request(t.url).get(`/api/campaigns/${c.id}`).set(auth())).body.status, 'sent');
  });

  it('only marketers and admins may use campaigns', async () => {
    const finance = await staffToken(t, Role.Finance);
    await request(t.url).get('/api/campaigns').set('authorization', `Bearer ${finance}`).expect(403);
    await request(t.url).get('/api/campaigns').expect(401);
  });
});
