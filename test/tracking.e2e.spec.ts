import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { signClick, signToken } from '../src/common/tracking-token';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { staffToken } from './support/fixtures';
import { linksOf, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const HUMAN = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
let t: TestApp;
let t2: TestApp;
let sink: SmtpSink;
let token: string;
let campaignId: string;

const funnel = async () => (await request(t.url).get(`/api/campaigns/${campaignId}/funnel`).set('authorization', `Bearer ${token}`).expect(200)).body.figures;
async function links(email: string) {
  const parsed = await sink.parse(sink.to(email)[0]);
  const l = linksOf(parsed.html || '');
  return { pixel: new URL(l.pixel!).pathname, click: new URL(l.clicks[0]).pathname };
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  // Passport strategies are process-wide, so two instances in one process share the JWT secret too.
  const secrets = { JWT_SECRET: 'j'.repeat(40), TRACKING_SECRET: 't'.repeat(40) };
  t = await startTestApp('tracking', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', ...secrets } });
  // A second instance on the same database: both record into the same counters.
  t2 = await startTestApp('tracking', { databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false', ...secrets } });
  token = await staffToken(t, Role.Marketer);
  const { id } = await createAudience(t, token, 'tracking', csvOf(Array.from({ length: 5 }, (_, i) => [`t${i}@track.example`, `T ${i}`, 'Track'] as [string, string, string])));
  campaignId = (await createCampaign(t, token, id)).id;
  await request(t.url).post(`/api/campaigns/${campaignId}/schedule`).set('authorization', `Bearer ${token}`).send({}).expect(200);
  await t.app.get(CampaignSender).drain();
  await t.db.query(`UPDATE campaign_sends SET sent_at = sent_at - interval '1 minute'`);
});
afterAll(async () => {
  await t2.close();
  await t.close();
  await sink.stop();
});

describe('open and click tracking', () => {
  it('counts the first open of a recipient once, even under concurrent hits on two instances', async () => {
    const { pixel } = await links('t0@track.example');
    await Promise.all(Array.from({ length: 40 }, (_, i) => request(i % 2 ? t.url : t2.url).get(pixel).set('user-agent', HUMAN).expect(200)));
    const f = await funnel();
    assert.equal(f.openedHuman, 1);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM tracking_events WHERE kind = 'open'`);
    assert.equal(n, 40);
  });

  it('counts a click as an open and never redirects anywhere it did not sign', async () => {
    const { click } = await links('t1@track.example');
    const res = await request(t.url).get(click).set('user-agent', HUMAN).expect(302);
    assert.equal(res.headers.location, 'https://handshake.example/about?x=1&y=2');
    const f = await funnel();
    assert.deepEqual({ opened: f.openedHuman, clicked: f.clickedHuman }, { opened: 2, clicked: 1 });
    // A token signed with another secret, a tampered one, an open token used as a click: all 404 without Location.
    const foreign = signClick('another-secret-another-secret-another', '1', 'https://evil.example');
    for (const path of [`/t/c/${foreign}`, click.slice(0, -4) + 'AAAA', `/t/c/${signToken(t.config.trackingSecret, 'o', '1')}`, '/t/c/', '/t/c/x.y']) {
      const r = await request(t.url).get(path).set('user-agent', HUMAN);
      assert.equal(r.status, 404, path);
      assert.equal(r.headers.location, undefined);
    }
    await request(t.url).get('/t/o/forged.AAAAAAAAAAAAAAAAAAAAAA.gif').expect(404);
  });

  it('records privacy-proxy opens and fast or scanner clicks apart from human ones', async () => {
    const { pixel, click } = await links('t2@track.example');
    await request(t.url).get(pixel).set('user-agent', 'Mozilla/5.0').expect(200);
    await request(t.url).head(click).set('user-agent', HUMAN).expect(302);
    let f = await funnel();
    assert.deepEqual({ human: f.openedHuman, machine: f.openedMachine, clickedMachine: f.clickedMachine }, { human: 2, machine: 1, clickedMachine: 1 });
    const reasons = await t.db.query(`SELECT reason FROM tracking_events e JOIN campaign_sends s ON s.id = e.send_id WHERE s.email = 't2@track.example' ORDER BY e.id`);
    assert.deepEqual(reasons.map((r: any) => r.reason), ['privacy-proxy-agent', 'head-request']);
    // A click seconds after delivery is a scanner's.
    const fresh = await links('t3@track.example');
    await t.db.query(`UPDATE campaign_sends SET sent_at = now() WHERE email = 't3@track.example'`);
    await request(t.url).get(fresh.click).set('user-agent', HUMAN).expect(302);
    f = await funnel();
    assert.equal(f.clickedMachine, 2);
    // Then the person opens: moves from machine to human.
    await request(t.url).get(pixel).set('user-agent', HUMAN).expect(200);
    f = await funnel();
    assert.deepEqual({ human: f.openedHuman, machine: f.openedMachine }, { human: 3, machine: 1 });
  });

  it('takes delayed bounces and complaints by the message reference', async () => {
    const mail = sink.to('t4@track.example')[0];
    const ref = /X-Handshake-Ref: (\S+)/.exec(mail.raw)![1];
    const soft = await request(t.url).post('/api/tracking/bounces').send({ ref, kind: 'bounce', status: '4.2.2' }).expect(200);
    assert.deepEqual(soft.body, { counted: false, suppressed: false });
    const complaint = await request(t.url).post('/api/tracking/bounces').send({ ref, kind: 'complaint' }).expect(200);
    assert.deepEqual(complaint.body, { counted: false, suppressed: true });
    assert.equal((await t.db.query(`SELECT reason FROM suppressions WHERE email = 't4@track.example'`))[0].reason, 'complaint');
    const bad = await request(t.url).post('/api/tracking/bounces').send({ ref, kind: 'bounce', status: 'x' }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    await request(t.url).post('/api/tracking/bounces').send({ ref: signToken('nope-nope-nope-nope-nope-nope-nope-no', 'b', '1'), kind: 'bounce' }).expect(404);
  });

  it('takes a raw DSN as the MTA received it, and counts the bounce once', async () => {
    const mail = sink.to('t3@track.example')[0];
    const ref = /X-Handshake-Ref: (\S+)/.exec(mail.raw)![1];
    const dsn = [
      'From: MAILER-DAEMON@mx.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example',
      '',
      'Final-Recipient: rfc822; t3@track.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      'To: t3@track.example',
      `X-Handshake-Ref: ${ref}`,
      '--b1--',
      '',
    ].join('\r\n');
    const before = (await funnel()).bounced;
    const first = await request(t.url).post('/api/tracking/dsn').set('content-type', 'message/rfc822').send(dsn).expect(200);
    assert.deepEqual(first.body, { counted: true, suppressed: true });
    await request(t.url).post('/api/tracking/dsn').set('content-type', 'message/rfc822').send(dsn).expect(200);
    assert.equal((await funnel()).bounced, before + 1);
    assert.equal((await t.db.query(`SELECT reason FROM suppressions WHERE email = 't3@track.example'`))[0].reason, 'hard_bounce');
    await request(t.url).post('/api/tracking/dsn').set('content-type', 'message/rfc822').send('Subject: hello\r\n\r\nno reference').expect(404);
  });
});
