import assert from 'node:assert/strict';
import { generate } from 'otplib';
import request from 'supertest';
import { Role } from '../src/access/role';
import { formPost } from './support/browser-form';
import { bankReferrer, seedAvailable } from './support/fake-stripe-connect';
import { PASSWORD, registerReferrer, staffToken, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
/** The code an authenticator app shows `offsetSeconds` from now (within the accepted ±30 s). */
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
const sessionCookie = (res: request.Response) =>
  ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('hs_session='))?.split(';')[0];

describe('two-factor sign-in (STAFF_TWO_FACTOR=required)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('two-factor', { env: { STAFF_TWO_FACTOR: 'required' } });
  });
  afterAll(() => t?.close());

  it('finance must set it up before moving money; then sign-in, approval and execution each take a fresh code', async () => {
    const aliceEmail = uniqueEmail('alice', 'handshake.example');
    const bobEmail = uniqueEmail('bob', 'handshake.example');
    const alice = await staffToken(t, Role.Finance, aliceEmail);
    const bob = await staffToken(t, Role.Finance, bobEmail);
    const r = await bankReferrer(t, 'Anna Petrova');
    await seedAvailable(t, r.id, 500_000n);
    const batch = await request(t.url).post('/api/payouts/batches').set(auth(alice)).send({}).expect(201);
    const batchId = batch.body.id as string;

    // Not set up: approving is refused in words, nothing changes.
    const refused = await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob)).send({}).expect(403);
    assert.equal(refused.body.error.code, 'TWO_FACTOR_SETUP_REQUIRED');
    assert.equal((await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(bob)).expect(200)).body.status, 'created');

    // Set-up: a secret, a wrong code refused, a right one turns it on with ten recovery codes.
    assert.deepEqual((await request(t.url).get('/api/auth/two-factor').set(auth(bob)).expect(200)).body, { enrolled: false, required: true, recoveryCodesLeft: 0 });
    const setup = await request(t.url).post('/api/auth/two-factor/setup').set(auth(bob)).expect(200);
    assert.match(setup.body.uri, /^otpauth:\/\/totp\//);
    const secret = setup.body.secret as string;
    const wrong = await request(t.url).post('/api/auth/two-factor/confirm').set(auth(bob)).send({ code: '000000' === (await codeAt(secret)) ? '111111' : '000000' }).expect(401);
    assert.equal(wrong.body.error.code, 'TWO_FACTOR_INVALID');
    const confirmed = await request(t.url).post('/api/auth/two-factor/confirm').set(auth(bob)).send({ code: await codeAt(secret) }).expect(200);
    const recovery = confirmed.body.recoveryCodes as string[];
    assert.equal(recovery.length, 10);
    assert.equal(new Set(recovery).size, 10);
    const again = await request(t.url).post('/api/auth/two-factor/setup').set(auth(bob)).expect(409);
    assert.equal(again.body.error.code, 'TWO_FACTOR_NOT_STARTED');

    // Sign-in: the password alone is not enough; a code used once is not accepted again.
    const noCode = await request(t.url).post('/api/auth/login').send({ email: bobEmail, password: PASSWORD }).expect(401);
    assert.equal(noCode.body.error.code, 'TWO_FACTOR_REQUIRED');
    assert.equal(noCode.body.accessToken, undefined);
    const replay = await request(t.url).post('/api/auth/login').send({ email: bobEmail, password: PASSWORD, totpCode: await codeAt(secret) }).expect(401);
    assert.equal(replay.body.error.code, 'TWO_FACTOR_INVALID');
    const signedIn = await request(t.url).post('/api/auth/login').send({ email: bobEmail, password: PASSWORD, totpCode: await codeAt(secret, 30) }).expect(200);
    const bob2 = signedIn.body.accessToken as string;

    // Approving asks for a fresh code even with a live session; a recovery code works once.
    const missing = await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob2)).send({}).expect(401);
    assert.equal(missing.body.error.code, 'TWO_FACTOR_REQUIRED');
    await request(t.url).post(`/api/payouts/batches/${batchId}/approve`).set(auth(bob2)).send({ totpCode: recovery[0].toUpperCase() }).expect(200);
    const reused = await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob2)).send({ totpCode: recovery[0] }).expect(401);
    assert.equal(reused.body.error.code, 'TWO_FACTOR_INVALID');
    await request(t.url).post(`/api/payouts/batches/${batchId}/execute`).set(auth(bob2)).send({ totpCode: recovery[1] }).expect(200);
    assert.equal((await request(t.url).get('/api/auth/two-factor').set(auth(bob2)).expect(200)).body.recoveryCodesLeft, 8);

    // Finance may not turn it off.
    const off = await request(t.url).post('/api/auth/two-factor/disable').set(auth(bob2)).send({ code: recovery[2] }).expect(403);
    assert.equal(off.body.error.code, 'TWO_FACTOR_CANNOT_DISABLE');

    // The login form: password, then a second step; a wrong code keeps the step, a tampered one restarts.
    const step1 = await formPost(t, '/login').send({ email: bobEmail, password: PASSWORD }).expect(200);
    assert.equal(sessionCookie(step1), undefined);
    const challenge = /name="challenge" value="([^"]+)"/.exec(step1.text)?.[1];
    assert.ok(challenge, 'the second step carries a challenge');
    const bad = await formPost(t, '/login/two-factor').send({ challenge, totpCode: '12345x' }).expect(401);
    assert.match(bad.text, /data-field="totpCode"/);
    assert.match(bad.text, new RegExp(`value="${challenge}"`));
    const tampered = await formPost(t, '/login/two-factor').send({ challenge: challenge.slice(0, -2) + 'xx', totpCode: recovery[3] }).expect(401);
    assert.match(tampered.text, /data-code="TWO_FACTOR_CHALLENGE_EXPIRED"/);
    const done = await formPost(t, '/login/two-factor').send({ challenge, totpCode: recovery[3] }).expect(303);
    assert.equal(done.headers.location, '/finance');
    assert.ok(sessionCookie(done));

    // In Russian, the question is asked in Russian.
    const ru = await formPost(t, '/login').set('accept-language', 'ru').send({ email: bobEmail, password: PASSWORD }).expect(200);
    assert.match(ru.text, /Введите код входа/);
  });

  it('a finance user without it lands on the set-up page, and sets it up through the pages', async () => {
    const email = uniqueEmail('carol', 'handshake.example');
    await staffToken(t, Role.Finance, email);
    const login = await formPost(t, '/login').send({ email, password: PASSWORD }).expect(303);
    assert.equal(login.headers.location, '/account/two-factor');
    const cookie = sessionCookie(login)!;
    const page = await request(t.url).get('/account/two-factor').set('cookie', cookie).expect(200);
    assert.match(page.text, /data-test="two-factor-required"/);
    const setup = await formPost(t, '/account/two-factor/setup', cookie).expect(200);
    assert.match(setup.text, /<svg[^>]*viewBox/);
    const secret = /data-secret="([A-Z2-7]+)"/.exec(setup.text)?.[1];
    assert.ok(secret);
    const wrong = await formPost(t, '/account/two-factor/confirm', cookie).send({ totpCode: 'abc' }).expect(401);
    assert.match(wrong.text, /data-test="two-factor-setup"/, 'the QR code is shown again');
    assert.match(wrong.text, /data-field="totpCode"/);
    const ok = await formPost(t, '/account/two-factor/confirm', cookie).send({ totpCode: await codeAt(secret!) }).expect(200);
    assert.equal((ok.text.match(/<li><code>[0-9a-f]{5}-[0-9a-f]{5}<\/code><\/li>/g) ?? []).length, 10);
    const after = await request(t.url).get('/account/two-factor').set('cookie', cookie).expect(200);
    assert.match(after.text, /data-test="recovery-left" data-count="10"/);
  });

  it('a referrer may turn it on and off; the approval confirmation page asks finance for the code', async () => {
    const r = await registerReferrer(t);
    const setup = await request(t.url).post('/api/auth/two-factor/setup').set(auth(r.token)).expect(200);
    const { recoveryCodes } = (await request(t.url).post('/api/auth/two-factor/confirm').set(auth(r.token)).send({ code: await codeAt(setup.body.secret) }).expect(200)).body as { recoveryCodes: string[] };
    const wrongOff = await request(t.url).post('/api/auth/two-factor/disable').set(auth(r.token)).send({ code: 'nope-nope' }).expect(401);
    assert.equal(wrongOff.body.error.code, 'TWO_FACTOR_INVALID');
    await request(t.url).post('/api/auth/two-factor/disable').set(auth(r.token)).send({ code: recoveryCodes[0] }).expect(204);
    assert.equal((await request(t.url).get('/api/auth/two-factor').set(auth(r.token)).expect(200)).body.enrolled, false);
    await request(t.url).post('/api/auth/login').send({ email: r.email, password: PASSWORD }).expect(200);

    // The pages: the confirmation of an approval shows the code field, and a wrong code asks again.
    const creator = await staffToken(t, Role.Finance);
    const approverEmail = uniqueEmail('dave', 'handshake.example');
    const approver = await staffToken(t, Role.Finance, approverEmail);
    const paid = await bankReferrer(t, 'Ivan Sidorov');
    await seedAvailable(t, paid.id, 300_000n);
    const batchId = (await request(t.url).post('/api/payouts/batches').set(auth(creator)).send({}).expect(201)).body.id as string;
    const s = await request(t.url).post('/api/auth/two-factor/setup').set(auth(approver)).expect(200);
    const codes = (await request(t.url).post('/api/auth/two-factor/confirm').set(auth(approver)).send({ code: await codeAt(s.body.secret) }).expect(200)).body.recoveryCodes as string[];
    const cookie = `hs_session=${approver}`;
    const confirmPage = await formPost(t, `/finance/payouts/batches/${batchId}/approve`, cookie).expect(200);
    assert.match(confirmPage.text, /name="totpCode"/);
    const wrong = await formPost(t, `/finance/payouts/batches/${batchId}/approve`, cookie).send({ confirm: 'yes', totpCode: '999999x' }).expect(401);
    assert.match(wrong.text, /data-field="totpCode"/);
    assert.equal((await request(t.url).get(`/api/payouts/batches/${batchId}`).set(auth(approver)).expect(200)).body.status, 'created');
    const approved = await formPost(t, `/finance/payouts/batches/${batchId}/approve`, cookie).send({ confirm: 'yes', totpCode: codes[0] }).expect(303);
    assert.equal(approved.headers.location, `/finance/payouts/batches/${batchId}?done=approve`);
  });
});
