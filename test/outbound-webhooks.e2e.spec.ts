import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { Role } from '../src/access/role';
import { DomainEvents } from '../src/events/domain-events';
import { verifySignature } from '../src/outbound-webhooks/webhook-signature';
import { formPost } from './support/browser-form';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PAYOUT_DETAILS_KEY = randomBytes(32).toString('hex');

interface Received {
  path: string;
  eventId: string;
  type: string;
  body: string;
  verified: boolean;
  at: number;
  answered?: number;
}

type Behaviour = (r: Received, nth: number, res: ServerResponse) => void;

/** A local receiver: each path behaves as told; every request is kept with its signature check. */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  private readonly behaviours = new Map<string, Behaviour>();
  private server!: Server;
  url = '';
  onRequest?: (r: Received) => void;

  on(path: string, b: Behaviour): string {
    this.behaviours.set(path, b);
    return `${this.url}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '';
        const parsed = JSON.parse(body);
        const r: Received = {
          path,
          eventId: parsed.id,
          type: parsed.type,
          body,
          verified: verifySignature(this.secrets.get(path) ?? '', body, String(req.headers['handshake-signature'] ?? '')),
          at: Date.now(),
        };
        const nth = this.received.filter((x) => x.path === path && x.eventId === r.eventId).length;
        this.received.push(r);
        this.onRequest?.(r);
        const answer = (status: number) => {
          if (res.writableEnded || res.destroyed) return;
          r.answered = status;
          res.statusCode = status;
          res.end(status < 300 ? 'ok' : 'no');
        };
        (this.behaviours.get(path) ?? ((_r, _n, _res) => answer(200)))(r, nth, Object.assign(res, { answer }));
      });
    });
    this.server.keepAliveTimeout = 1;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const answer = (res: ServerResponse, status: number) => (res as ServerResponse & { answer(s: number): void }).answer(status);

async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function createEndpoint(t: TestApp, admin: string, rx: Receiver, path: string, b: Behaviour, eventTypes = ['referrer.registered']): Promise<string> {
  const url = rx.on(path, b);
  const res = await request(t.url).post('/api/webhook-endpoints').set(bearer(admin)).send({ url, eventTypes, description: path }).expect(201);
  assert.match(res.body.secret, /^whsec_[0-9a-f]{48}$/);
  rx.secrets.set(path, res.body.secret);
  return res.body.id;
}

/** For every request: each event of that endpoint created before it had already been answered 2xx. */
function assertInOrder(rx: Receiver, path: string, seqOf: Map<string, number>): void {
  const reqs = rx.of(path);
  for (const [i, r] of reqs.entries()) {
    const seq = seqOf.get(r.eventId)!;
    const earlier = [...seqOf.entries()].filter(([, s]) => s < seq).map(([id]) => id);
    for (const e of earlier) assert.ok(reqs.slice(0, i).some((x) => x.eventId === e && (x.answered ?? 0) >= 200 && (x.answered ?? 0) < 300), `${path}: event ${seq} sent before event ${seqOf.get(e)} succeeded`);
  }
}

describe('outbound webhooks', () => {
  let t: TestApp;
  let admin: string;
  const adminEmail = uniqueEmail('admin', 'handshake.example');
  const rx = new Receiver();

  beforeAll(async () => {
    await rx.start();
    t = await startTestApp('webhooks', { env: { WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_RETRY_BASE_SECONDS: '1' } });
    admin = await staffToken(t, Role.Admin, adminEmail);
  });
  afterAll(async () => {
    await t?.close();
    await rx.stop();
  });

  it('validates endpoints: https, or http to localhost; event types from the list; admins only', async () => {
    const bad = await request(t.url).post('/api/webhook-endpoints').set(bearer(admin)).send({ url: 'http://example.com/hook', eventTypes: ['payout.paid'] }).expect(422);
    assert.equal(bad.body.error.code, 'WEBHOOK_URL_INVALID');
    const types = await request(t.url).post('/api/webhook-endpoints').set(bearer(admin)).send({ url: 'https://example.com/hook', eventTypes: ['payout.sent'] }).expect(400);
    assert.equal(types.body.error.code, 'VALIDATION_FAILED');
    const finance = await staffToken(t, Role.Finance);
    await request(t.url).get('/api/webhook-endpoints').set(bearer(finance)).expect(403);
    const ok = await request(t.url).post('/api/webhook-endpoints').set(bearer(admin)).send({ url: 'https://example.com/hook', eventTypes: ['payout.paid'] }).expect(201);
    const listed = await request(t.url).get('/api/webhook-endpoints').set(bearer(admin)).expect(200);
    assert.ok(listed.body.some((e: any) => e.id === ok.body.id && !('secret' in e)));
    await request(t.url).delete(`/api/webhook-endpoints/${ok.body.id}`).set(bearer(admin)).expect(204);
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    assert.ok(doc.webhooks['commission.earned'].post.requestBody);
    assert.ok(doc.components.schemas.WebhookEvent_payout_paid.properties.data.properties.amount);
  });

  it('delivers every event, signed, in order per endpoint, through failures, timeouts and slow answers', async () => {
    await createEndpoint(t, admin, rx, '/ok', (_r, _n, res) => answer(res, 200));
    await createEndpoint(t, admin, rx, '/flaky', (_r, n, res) => answer(res, n < 2 ? 500 : 200));
    await createEndpoint(t, admin, rx, '/slow', (_r, _n, res) => void setTimeout(() => answer(res, 200), 600));
    await createEndpoint(t, admin, rx, '/hang', (_r, n, res) => (n === 0 ? undefined : answer(res, 204)));
    const before = Number((await t.db.query(`SELECT count(*) AS n FROM webhook_events`))[0].n);
    const referrers: string[] = [];
    for (let i = 0; i < 4; i++) referrers.push((await registerReferrer(t)).id);
    const events: { id: string; seq: string; data: any }[] = await t.db.query(`SELECT id, seq, data FROM webhook_events WHERE type = 'referrer.registered' ORDER BY seq`);
    assert.equal(events.length - before, 4);
    assert.deepEqual(events.slice(-4).map((e) => e.data.referrerId), referrers);
    const seqOf = new Map(events.map((e) => [e.id, Number(e.seq)]));

    await waitFor('every delivery', async () => Number((await t.db.query(`SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'delivered'`))[0].n) === 0, 90_000);
    for (const path of ['/ok', '/flaky', '/slow', '/hang']) {
      const got = rx.of(path);
      assert.deepEqual([...new Set(got.map((r) => r.eventId))].sort(), [...seqOf.keys()].sort(), `${path} got every event`);
      assert.ok(got.every((r) => r.verified), `${path}: every signature verifies`);
      assertInOrder(rx, path, seqOf);
    }
    assert.equal(rx.of('/ok').length, 4, 'a healthy endpoint gets each event once');
    assert.equal(rx.of('/flaky').length, 12, 'two failures then success, per event');
    const body = JSON.parse(rx.of('/ok')[0].body);
    assert.deepEqual(Object.keys(body), ['id', 'type', 'apiVersion', 'createdAt', 'data']);
    assert.equal(body.apiVersion, '2026-12-01');

    // The delivery log: each attempt with request body, response code and time, error.
    const [hang] = await t.db.query(`SELECT id FROM webhook_endpoints WHERE url LIKE '%/hang'`);
    const log = await request(t.url).get(`/api/webhook-endpoints/${hang.id}/deliveries`).set(bearer(admin)).expect(200);
    assert.equal(log.body.total, 4);
    const first = log.body.items.at(-1);
    assert.equal(first.status, 'delivered');
    assert.equal(first.attemptLog.length, 2);
    assert.equal(first.attemptLog[0].responseStatus, null);
    assert.match(first.attemptLog[0].error, /no answer within 1500 ms/);
    assert.equal(first.attemptLog[1].responseStatus, 204);
    assert.equal(JSON.parse(first.attemptLog[1].requestBody).id, first.eventId);
  });

  it('redelivers on request: same event id and body, signed afresh, logged as manual', async () => {
    const [ok] = await t.db.query(`SELECT id FROM webhook_endpoints WHERE url LIKE '%/ok'`);
    const log = await request(t.url).get(`/api/webhook-endpoints/${ok.id}/deliveries?status=delivered&limit=1`).set(bearer(admin)).expect(200);
    const d = log.body.items[0];
    const n = rx.of('/ok').length;
    const again = await request(t.url).post(`/api/webhook-endpoints/${ok.id}/deliveries/${d.id}/redeliver`).set(bearer(admin)).expect(200);
    assert.equal(again.body.ok, true);
    assert.equal(again.body.status, 200);
    assert.equal(rx.of('/ok').length, n + 1);
    const last = rx.of('/ok').at(-1)!;
    assert.equal(last.eventId, d.eventId);
    assert.equal(last.body, d.attemptLog[0].requestBody);
    assert.ok(last.verified);
    assert.equal(again.body.delivery.attemptLog.at(-1).manual, true);
    await request(t.url).post(`/api/webhook-endpoints/${ok.id}/deliveries/999999999/redeliver`).set(bearer(admin)).expect(404);
  });

  it('a rolled-back fact announces nothing; a fact nobody subscribes to writes nothing', async () => {
    const count = async () => Number((await t.db.query(`SELECT count(*) AS n FROM webhook_events`))[0].n);
    const before = await count();
    await assert.rejects(
      t.db.transaction(async (m) => {
        await t.app.get(DomainEvents).publish(m, 'referrer.registered', { referrerId: randomUUID() });
        assert.equal(Number((await m.query(`SELECT count(*) AS n FROM webhook_events`))[0].n), before + 1, 'written inside the transaction');
        throw new Error('the fact fails');
      }),
      /the fact fails/,
    );
    assert.equal(await count(), before);
    await t.db.transaction((m) => t.app.get(DomainEvents).publish(m, 'lead.lost', { leadId: randomUUID(), memberId: randomUUID(), reason: 'x' }));
    assert.equal(await count(), before);
  });

  it('gives up after the retry window, turns the endpoint off and tells the admins; re-enabling resumes', async () => {
    let healthy = false;
    const id = await createEndpoint(t, admin, rx, '/dead', (_r, _n, res) => answer(res, healthy ? 200 : 503), ['supplier.attributed']);
    await t.db.transaction((m) => t.app.get(DomainEvents).publishMany(m, 'supplier.attributed', [
      { supplierId: randomUUID(), referrerId: randomUUID() },
      { supplierId: randomUUID(), referrerId: randomUUID() },
    ]));
    await waitFor('a first failure', async () => rx.of('/dead').length >= 1);
    // Three days pass.
    await t.db.query(`UPDATE webhook_deliveries SET created_at = now() - interval '4 days', next_attempt_at = now() WHERE endpoint_id = $1`, [id]);
    await waitFor('the endpoint turned off', async () => !(await t.db.query(`SELECT enabled FROM webhook_endpoints WHERE id = $1`, [id]))[0].enabled, 30_000);
    const view = (await request(t.url).get(`/api/webhook-endpoints/${id}`).set(bearer(admin)).expect(200)).body;
    assert.equal(view.enabled, false);
    assert.match(view.disabledReason, /gave up/);
    assert.equal(view.failed, 1);
    assert.equal(view.pending, 1, 'the next event waits');
    const [n] = await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'admin.webhook_endpoint_disabled'`);
    assert.ok(n.n >= 1);
    // Nothing new is queued for a switched-off endpoint.
    await t.db.transaction((m) => t.app.get(DomainEvents).publish(m, 'supplier.attributed', { supplierId: randomUUID(), referrerId: randomUUID() }));
    assert.equal((await request(t.url).get(`/api/webhook-endpoints/${id}`).set(bearer(admin)).expect(200)).body.pending, 1);
    healthy = true;
    await request(t.url).patch(`/api/webhook-endpoints/${id}`).set(bearer(admin)).send({ enabled: true }).expect(200);
    await waitFor('the waiting event', async () => (await request(t.url).get(`/api/webhook-endpoints/${id}`).set(bearer(admin))).body.pending === 0);
  });

  it('rotating the secret signs with the new one only', async () => {
    const [ok] = await t.db.query(`SELECT id FROM webhook_endpoints WHERE url LIKE '%/ok'`);
    const rotated = await request(t.url).post(`/api/webhook-endpoints/${ok.id}/rotate-secret`).set(bearer(admin)).expect(200);
    const old = rx.secrets.get('/ok')!;
    assert.notEqual(rotated.body.secret, old);
    rx.secrets.set('/ok', rotated.body.secret);
    await registerReferrer(t);
    await waitFor('the next event', async () => rx.of('/ok').filter((r) => r.type === 'referrer.registered').length >= 6);
    const last = rx.of('/ok').at(-1)!;
    assert.ok(last.verified);
  });
});

describe('outbound webhooks: the admin pages', () => {
  let t: TestApp;
  let cookie: string;
  const rx = new Receiver();

  beforeAll(async () => {
    await rx.start();
    t = await startTestApp('webhooks_pages', { env: { WEBHOOK_RETRY_BASE_SECONDS: '1' } });
    const email = uniqueEmail('admin', 'handshake.example');
    await staffToken(t, Role.Admin, email);
    cookie = `hs_session=${(await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken}`;
  });
  afterAll(async () => {
    await t?.close();
    await rx.stop();
  });

  it('adds an endpoint (secret shown once), shows its delivery log, redelivers, rotates after a confirmation, turns it off and on', async () => {
    const empty = await request(t.url).get('/admin/integrations').set('cookie', cookie).expect(200);
    assert.match(empty.text, /data-test="no-endpoints"/);
    const refused = await formPost(t, '/admin/integrations/endpoints', cookie).send({ url: 'http://example.com/x', eventTypes: 'referrer.registered' }).expect(422);
    assert.match(refused.text, /id="endpoint-url"[^>]*value="http:\/\/example.com\/x"[^>]*aria-invalid="true"/);
    const url = rx.on('/page', (_r, _n, res) => answer(res, 200));
    const created = await formPost(t, '/admin/integrations/endpoints', cookie).send({ url, eventTypes: ['referrer.registered', 'payout.paid'], description: 'ERP' }).expect(201);
    const secret = /value="(whsec_[0-9a-f]+)"/.exec(created.text)![1];
    rx.secrets.set('/page', secret);
    const [e] = await t.db.query(`SELECT id FROM webhook_endpoints`);
    const list = await request(t.url).get('/admin/integrations').set('cookie', cookie).expect(200);
    assert.ok(!list.text.includes(secret), 'the secret is not shown again');
    assert.match(list.text, /A referrer registered, Payout paid/);
    await registerReferrer(t);
    await waitFor('the delivery', async () => rx.of('/page').length === 1);
    assert.ok(rx.of('/page')[0].verified);
    await waitFor('it is recorded', async () => (await t.db.query(`SELECT status FROM webhook_deliveries`))[0].status === 'delivered');
    const page = await request(t.url).get(`/admin/integrations/endpoints/${e.id}?lang=en`).set('cookie', cookie).expect(200);
    assert.match(page.text, /data-test="delivery" data-status="delivered"/);
    const [d] = await t.db.query(`SELECT id::text FROM webhook_deliveries`);
    const again = await formPost(t, `/admin/integrations/endpoints/${e.id}/redeliver`, cookie).send({ deliveryId: d.id }).expect(303);
    assert.match(again.headers.location, /done=redelivered&status_code=200/);
    assert.equal(rx.of('/page').length, 2);
    const ask = await formPost(t, `/admin/integrations/endpoints/${e.id}/rotate`, cookie).expect(200);
    assert.match(ask.text, /data-test="confirm-question"/);
    const rotated = await formPost(t, `/admin/integrations/endpoints/${e.id}/rotate`, cookie).send({ confirm: 'yes' }).expect(200);
    assert.notEqual(/value="(whsec_[0-9a-f]+)"/.exec(rotated.text)![1], secret);
    await formPost(t, `/admin/integrations/endpoints/${e.id}/disable`, cookie).expect(303);
    assert.equal((await t.db.query(`SELECT enabled FROM webhook_endpoints`))[0].enabled, false);
    await formPost(t, `/admin/integrations/endpoints/${e.id}/enable`, cookie).expect(303);
    assert.equal((await t.db.query(`SELECT enabled FROM webhook_endpoints`))[0].enabled, true);
    await formPost(t, `/admin/integrations/endpoints/${e.id}/delete`, cookie).send({ confirm: 'yes' }).expect(303);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints`))[0].n, 0);
  });
});

describe('outbound webhooks survive kill -9 mid-delivery', () => {
  let k: TestApp;
  let child: ChildProcess | undefined;
  const rx = new Receiver();

  const spawnWorker = async (): Promise<ChildProcess> => {
    const proc = spawn(process.execPath, [join(__dirname, 'support', 'webhook-worker.js')], {
      env: { PATH: process.env.PATH, WORKER_DATABASE_URL: k.databaseUrl, PAYOUT_DETAILS_KEY, WEBHOOK_TIMEOUT_MS: '5000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      proc.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
    });
    return proc;
  };

  beforeAll(async () => {
    await rx.start();
    k = await startTestApp('webhooks_kill', { env: { JOBS_ENABLED: 'false', PAYOUT_DETAILS_KEY } });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await k?.close();
    await rx.stop();
  });

  it('every event is delivered after a restart; only the one in flight twice', async () => {
    const admin = await staffToken(k, Role.Admin);
    await createEndpoint(k, admin, rx, '/kill', (_r, _n, res) => void setTimeout(() => answer(res, 200), 300));
    for (let i = 0; i < 6; i++) await registerReferrer(k);
    const events: { id: string }[] = await k.db.query(`SELECT id FROM webhook_events ORDER BY seq`);
    assert.equal(events.length, 6);

    let inFlight: string | undefined;
    child = await spawnWorker();
    const killed = new Promise<void>((resolve) => {
      rx.onRequest = (r) => {
        if (rx.of('/kill').length === 3 && child) {
          inFlight = r.eventId;
          child.kill('SIGKILL');
          resolve();
        }
      };
    });
    await killed;
    rx.onRequest = undefined;
    await new Promise((r) => child!.once('exit', r).exitCode !== null && r(null));
    const [{ n: delivered }] = await k.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'`);
    assert.equal(delivered, 2, 'the in-flight delivery is not recorded as delivered');

    child = await spawnWorker();
    await waitFor('every delivery after the restart', async () => Number((await k.db.query(`SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'delivered'`))[0].n) === 0, 60_000);
    child.kill('SIGTERM');
    child = undefined;
    const times = new Map<string, number>();
    for (const r of rx.of('/kill')) times.set(r.eventId, (times.get(r.eventId) ?? 0) + 1);
    assert.deepEqual([...times.keys()].sort(), events.map((e) => e.id).sort());
    for (const [id, n] of times) assert.equal(n, id === inFlight ? 2 : 1, `event ${id}`);
    assert.ok(rx.of('/kill').every((r) => r.verified));
    // In order: the received sequence of first arrivals follows the events.
    assert.deepEqual([...times.keys()], events.map((e) => e.id));
  });
});
