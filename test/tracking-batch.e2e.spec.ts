import assert from 'node:assert/strict';
import request from 'supertest';
import { COUNTER_SHARDS, readCounters } from '../src/funnel/funnel-counters';
import { TrackingRecorder } from '../src/tracking/tracking-recorder';
import { signToken } from '../src/common/tracking-token';
import { startTestApp, TestApp } from './support/test-app';

const HUMAN = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
let t: TestApp;
let campaignId: string;
let sends: string[];

beforeAll(async () => {
  t = await startTestApp('tracking-batch', { env: { JOBS_ENABLED: 'false' } });
  const [a] = await t.db.query(`INSERT INTO audiences (name) VALUES ('batch') RETURNING id`);
  const [c] = await t.db.query(`INSERT INTO campaigns (name, audience_id, subject, body, status, listed) VALUES ('batch', $1, 's', 'b', 'sent', 4) RETURNING id`, [a.id]);
  campaignId = c.id;
  await t.db.query(`INSERT INTO campaign_counters (campaign_id, shard) SELECT $1, g FROM generate_series(0, $2 - 1) g`, [campaignId, COUNTER_SHARDS]);
  await t.db.query(`INSERT INTO contacts (audience_id, email) SELECT $1, 'b' || g || '@batch.example' FROM generate_series(1, 4) g`, [a.id]);
  sends = (
    await t.db.query(
      `INSERT INTO campaign_sends (campaign_id, contact_id, email, status, attempts, sent_at) SELECT $1, id, email, 'sent', 1, now() - interval '1 hour' FROM contacts WHERE audience_id = $2 ORDER BY id RETURNING id::text AS id`,
      [campaignId, a.id],
    )
  ).map((r: { id: string }) => r.id);
});
afterAll(async () => t.close());

describe('tracking hits recorded in one statement per batch', () => {
  it('nets machine and human firsts that arrive in the same batch, and keeps every hit', async () => {
    const recorder = t.app.get(TrackingRecorder);
    const at = new Date();
    const [a, b, c] = sends;
    await t.db.query(`UPDATE campaign_sends SET sent_at = now() WHERE id = $1`, [c]);
    // Queued in one tick, so they go into the same batch.
    await Promise.all([
      recorder.record({ sendId: a, kind: 'open', userAgent: 'Mozilla/5.0', method: 'GET', at }), // privacy proxy
      recorder.record({ sendId: a, kind: 'open', userAgent: HUMAN, method: 'GET', at }), // then a person
      recorder.record({ sendId: b, kind: 'open', userAgent: 'Mozilla/5.0', method: 'GET', at }),
      recorder.record({ sendId: b, kind: 'click', userAgent: HUMAN, method: 'HEAD', at }),
      recorder.record({ sendId: c, kind: 'click', userAgent: HUMAN, method: 'GET', at }), // seconds after delivery
      recorder.record({ sendId: '999999', kind: 'open', userAgent: HUMAN, method: 'GET', at }), // no such send
    ]);
    let k = await readCounters(t.db.manager, campaignId);
    assert.deepEqual(
      { oh: k.opened_human, om: k.opened_machine, ch: k.clicked_human, cm: k.clicked_machine },
      { oh: 1, om: 2, ch: 0, cm: 2 },
    );
    const reasons = await t.db.query(`SELECT send_id::text AS s, kind, machine, reason FROM tracking_events ORDER BY id`);
    assert.equal(reasons.length, 5);
    assert.deepEqual(
      reasons.filter((r: { s: string }) => r.s === c),
      [{ s: c, kind: 'click', machine: true, reason: 'too-soon-after-delivery' }],
    );
    // Later a person clicks on b: b moves from machine to human for clicks and opens.
    await recorder.record({ sendId: b, kind: 'click', userAgent: HUMAN, method: 'GET', at: new Date() });
    k = await readCounters(t.db.manager, campaignId);
    assert.deepEqual(
      { oh: k.opened_human, om: k.opened_machine, ch: k.clicked_human, cm: k.clicked_machine },
      { oh: 2, om: 1, ch: 1, cm: 1 },
    );
    const firsts = await t.db.query(`SELECT count(*) FILTER (WHERE human_open_at IS NOT NULL)::int AS ho, count(*) FILTER (WHERE machine_click_at IS NOT NULL)::int AS mc FROM campaign_sends`);
    assert.deepEqual(firsts[0], { ho: 2, mc: 2 });
  });

  it('serves hits ahead of the global middleware, counted in /metrics, while other routes keep correlation ids', async () => {
    await request(t.url).get(`/t/o/${signToken(t.config.trackingSecret, 'o', sends[3])}.gif`).set('user-agent', HUMAN).expect(200).expect('content-type', 'image/gif');
    await request(t.url).get('/t/o/forged.AAAAAAAAAAAAAAAAAAAAAA.gif').expect(404);
    const metrics = (await request(t.url).get('/metrics').set('Authorization', `Bearer ${t.config.metricsToken}`).expect(200)).text;
    assert.match(metrics, /tracking_hits_total\{kind="open",status="200"\} [1-9]/);
    assert.match(metrics, /tracking_hits_total\{kind="open",status="404"\} [1-9]/);
    const other = await request(t.url).get('/api/campaigns/00000000-0000-0000-0000-000000000000/funnel').expect(401);
    assert.ok(other.headers['x-correlation-id']);
    assert.equal(other.body.error.correlationId, other.headers['x-correlation-id']);
  });

  it('answers 503 in the JSON error shape when a hit cannot be recorded, and records again afterwards', async () => {
    const pixel = `/t/o/${signToken(t.config.trackingSecret, 'o', sends[3])}.gif`;
    await t.db.query(`ALTER TABLE tracking_events RENAME TO tracking_events_away`);
    try {
      const res = await request(t.url).get(pixel).set('user-agent', HUMAN).expect(503);
      assert.equal(res.body.error.code, 'TRACKING_UNAVAILABLE');
      assert.equal(res.body.error.correlationId, res.headers['x-correlation-id']);
    } finally {
      await t.db.query(`ALTER TABLE tracking_events_away RENAME TO tracking_events`);
    }
    const before = Number((await t.db.query(`SELECT count(*) AS n FROM tracking_events`))[0].n);
    await request(t.url).get(pixel).set('user-agent', HUMAN).expect(200);
    assert.equal(Number((await t.db.query(`SELECT count(*) AS n FROM tracking_events`))[0].n), before + 1);
  });
});
