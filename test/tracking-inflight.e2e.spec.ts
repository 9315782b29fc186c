import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { staffToken } from './support/fixtures';
import { linksOf, ReceivedMail, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const HUMAN = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
let t: TestApp;
let sink: SmtpSink;
let token: string;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('tracking-inflight', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', TRACKING_SECRET: 't'.repeat(40) } });
  token = await staffToken(t, Role.Marketer);
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

/** Waits until the tracking recorder's statement (RECORD_BATCH, `WITH hit AS ...`) waits for a row lock (the batch's claim). */
async function recorderBlocked(timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH hit AS%'`);
    if (n > 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('a click while its send is in flight', () => {
  it('is too soon after delivery (machine) although the batch has not recorded sent_at yet, and the human figures exclude it', async () => {
    const { id: audienceId } = await createAudience(t, token, 'inflight', csvOf([['scanned@inflight.example', 'Scanned', 'Co'], ['slow@inflight.example', 'Slow', 'Co']]));
    const campaign = await createCampaign(t, token, audienceId);
    await request(t.url).post(`/api/campaigns/${campaign.id}/schedule`).set('authorization', `Bearer ${token}`).send({}).expect(200);

    // A security gateway at scanned@ follows the link the moment the message is accepted; the
    // server for slow@ answers only once that click is being recorded, so the batch (and its
    // sent_at) is still uncommitted when the click arrives.
    let click: Promise<request.Response> | undefined;
    let blocked = false;
    sink.beforeAccept = async (mail: ReceivedMail) => {
      if (mail.to.includes('scanned@inflight.example')) {
        const parsed = await sink.parse(mail);
        const path = new URL(linksOf(parsed.html || '').clicks[0]).pathname;
        click = new Promise((resolve, reject) => setTimeout(() => request(t.url).get(path).set('user-agent', HUMAN).then(resolve, reject), 50));
      } else {
        while (!click) await new Promise((r) => setTimeout(r, 10));
        blocked = await recorderBlocked();
      }
    };
    try {
      assert.equal(await t.app.get(CampaignSender).drain(), 2);
      assert.equal(blocked, true, 'the click was recorded while the batch was in flight');
      assert.equal((await click!).status, 302);
    } finally {
      sink.beforeAccept = undefined;
    }

    const [event] = await t.db.query(
      `SELECT e.machine, e.reason, e.delay_ms, s.sent_at IS NOT NULL AS sent FROM tracking_events e JOIN campaign_sends s ON s.id = e.send_id WHERE s.email = 'scanned@inflight.example'`,
    );
    assert.deepEqual({ machine: event.machine, reason: event.reason, sent: event.sent }, { machine: true, reason: 'too-soon-after-delivery', sent: true });
    const f = (await request(t.url).get(`/api/campaigns/${campaign.id}/funnel`).set('authorization', `Bearer ${token}`).expect(200)).body.figures;
    assert.deepEqual({ clickedHuman: f.clickedHuman, clickedMachine: f.clickedMachine, openedHuman: f.openedHuman }, { clickedHuman: 0, clickedMachine: 1, openedHuman: 0 });
  });
});
