import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formPost } from './support/browser-form';
import { PASSWORD, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API keys', () => {
  let t: TestApp;
  let admin: string;
  const adminEmail = uniqueEmail('admin', 'handshake.example');

  beforeAll(async () => {
    t = await startTestApp('api_keys');
    admin = await staffToken(t, Role.Admin, adminEmail);
  });
  afterAll(() => t?.close());

  const make = async (role: string, name = `${role} key`) => (await request(t.url).post('/api/api-keys').set(bearer(admin)).send({ name, role }).expect(201)).body;

  it('is shown once, stored hashed, with its prefix visible', async () => {
    const k = await make('finance', 'ERP export');
    assert.match(k.key, /^hs_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.equal(k.key.slice(3, 11), k.prefix);
    assert.equal(k.lastUsedAt, null);
    const [row] = await t.db.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [k.id]);
    assert.notEqual(row.key_hash, k.key);
    assert.ok(!JSON.stringify(await t.db.query(`SELECT * FROM api_keys`)).includes(k.key.slice(12)), 'the secret part is nowhere in the table');
    const listed = (await request(t.url).get('/api/api-keys').set(bearer(admin)).expect(200)).body;
    const mine = listed.find((x: any) => x.id === k.id);
    assert.equal(mine.prefix, k.prefix);
    assert.ok(!('key' in mine));
  });

  it('acts with its role: finance reaches finance routes, a marketer key does not', async () => {
    const finance = await make('finance');
    const marketer = await make('marketer');
    await request(t.url).get('/api/adjustments').set(bearer(finance.key)).expect(200);
    const refused = await request(t.url).get('/api/adjustments').set(bearer(marketer.key)).expect(403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    await request(t.url).get('/api/audiences').set(bearer(marketer.key)).expect(200);
    await request(t.url).get('/api/audiences').set(bearer(finance.key)).expect(403);
    // Neither may manage keys or webhooks (admin only).
    await request(t.url).get('/api/api-keys').set(bearer(finance.key)).expect(403);
    await request(t.url).get('/api/webhook-endpoints').set(bearer(marketer.key)).expect(403);
    const adminKey = await make('admin');
    await request(t.url).get('/api/webhook-endpoints').set(bearer(adminKey.key)).expect(200);
    // Writes with a key need no CSRF token (no cookie involved).
    await request(t.url).post('/api/audiences').set(bearer(marketer.key)).send({ name: 'From the CRM' }).expect(201);
  });

  it('records its last use', async () => {
    const k = await make('finance');
    const before = Date.now();
    await request(t.url).get('/api/adjustments').set(bearer(k.key)).expect(200);
    const [row] = await t.db.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [k.id]);
    assert.ok(row.last_used_at && new Date(row.last_used_at).getTime() >= before - 1000);
    const shown = (await request(t.url).get('/api/api-keys').set(bearer(admin))).body.find((x: any) => x.id === k.id);
    assert.ok(shown.lastUsedAt);
  });

  it('revoked, unknown or altered keys answer 401', async () => {
    const k = await make('finance');
    await request(t.url).get('/api/adjustments').set(bearer(k.key)).expect(200);
    const revoked = await request(t.url).post(`/api/api-keys/${k.id}/revoke`).set(bearer(admin)).expect(200);
    assert.ok(revoked.body.revokedAt);
    const res = await request(t.url).get('/api/adjustments').set(bearer(k.key)).expect(401);
    assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    const altered = k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A');
    const other = await make('finance');
    await request(t.url).get('/api/adjustments').set(bearer(other.key.slice(0, -1) + (other.key.endsWith('A') ? 'B' : 'A'))).expect(401);
    await request(t.url).get('/api/adjustments').set(bearer(altered)).expect(401);
    await request(t.url).get('/api/adjustments').set(bearer('hs_nonsense')).expect(401);
  });

  it('only admins make keys, with a staff role only', async () => {
    const finance = await staffToken(t, Role.Finance);
    await request(t.url).post('/api/api-keys').set(bearer(finance)).send({ name: 'x', role: 'finance' }).expect(403);
    const bad = await request(t.url).post('/api/api-keys').set(bearer(admin)).send({ name: 'x', role: 'referrer' }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });

  it('the page makes a key (shown once), lists it by prefix and revokes it after a confirmation', async () => {
    const login = await request(t.url).post('/api/auth/login').send({ email: adminEmail, password: PASSWORD }).expect(200);
    const cookie = `hs_session=${login.body.accessToken}`;
    const created = await formPost(t, '/admin/integrations/api-keys', cookie).send({ name: 'Page key', role: 'marketer' }).expect(201);
    const key = /value="(hs_[^"]+)"/.exec(created.text)![1];
    await request(t.url).get('/api/audiences').set(bearer(key)).expect(200);
    const prefix = key.slice(3, 11);
    const page = await request(t.url).get('/admin/integrations/api-keys').set('cookie', cookie).expect(200);
    assert.ok(page.text.includes(`hs_${prefix}_…`));
    assert.ok(!page.text.includes(key), 'the key is not shown again');
    const [row] = await t.db.query(`SELECT id FROM api_keys WHERE prefix = $1`, [prefix]);
    const ask = await formPost(t, `/admin/integrations/api-keys/${row.id}/revoke`, cookie).expect(200);
    assert.match(ask.text, /data-test="confirm-question"[^>]*>[^<]*Page key/);
    await formPost(t, `/admin/integrations/api-keys/${row.id}/revoke`, cookie).send({ confirm: 'yes' }).expect(303);
    await request(t.url).get('/api/audiences').set(bearer(key)).expect(401);
    const bad = await formPost(t, '/admin/integrations/api-keys', cookie).send({ name: '', role: 'marketer' }).expect(400);
    assert.match(bad.text, /aria-invalid="true"/);
  });
});
