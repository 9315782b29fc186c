import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { StaffService } from '../src/auth/staff.service';
import { StaffManagementService } from '../src/staff/staff.service';
import { formPost } from './support/browser-form';
import { PASSWORD, uniqueEmail } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let admin: { id: string; email: string; token: string };

const NEW = 'marble-kettle-sunrise-48';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const session = (token: string) => `hs_session=${token}`;
const page = (path: string, token?: string) => {
  const r = request(t.url).get(path).set('accept', 'text/html');
  return token ? r.set('cookie', session(token)) : r;
};

async function staff(role: Role, email = uniqueEmail(role, 'handshake.example')): Promise<{ id: string; email: string; token: string }> {
  const account = await t.app.get(StaffService).create(email, PASSWORD, role);
  const res = await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
  return { id: account.id, email, token: res.body.accessToken };
}

/** The newest invitation mail in the outbox for this address, and the token of its link. */
async function invitation(email: string): Promise<{ subject: string; text: string; token: string }> {
  const [mail] = await t.db.query(`SELECT subject, text_body, kind FROM mail_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1`, [email]);
  assert.ok(mail, `an invitation mail to ${email} is in the outbox`);
  assert.equal(mail.kind, 'staff_invite');
  const m = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text_body);
  assert.ok(m, 'the mail carries an invitation link');
  return { subject: mail.subject, text: mail.text_body, token: m[1] };
}

const sessionCookie = (res: request.Response) => {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('hs_session='));
  return raw ? raw.split(';')[0].slice('hs_session='.length) : undefined;
};

beforeAll(async () => {
  t = await startTestApp('staff', { env: { JOBS_ENABLED: 'false' } });
  admin = await staff(Role.Admin);
});
afterAll(() => t.close());

describe('invitations', () => {
  it('invite → link in the outbox → set the password → signed in; the list shows invited then active with the last sign-in', async () => {
    const email = uniqueEmail('olga', 'handshake.example');
    const res = await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).send({ email, role: 'finance', locale: 'ru' }).expect(201);
    assert.equal(res.body.account.status, 'invited');
    assert.equal(res.body.account.role, 'finance');
    assert.equal(res.body.mailed, true);
    assert.equal(res.body.reinvited, false);

    const mail = await invitation(email);
    assert.match(mail.subject, /Приглашение/);
    assert.match(mail.text, /Финансы/);
    assert.match(mail.text, new RegExp(admin.email.replace(/[.]/g, '\\.')));

    // No password works before the invitation is accepted; a reset is not offered either.
    await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(401);

    const listed = (await request(t.url).get('/api/staff').set(bearer(admin.token)).expect(200)).body as { email: string; status: string; lastSignInAt: string | null }[];
    const row = listed.find((r) => r.email === email)!;
    assert.equal(row.status, 'invited');
    assert.equal(row.lastSignInAt, null);

    // The page asks for a password (a GET writes nothing).
    const form = await page(`/invite/${mail.token}`).expect(200);
    assert.match(form.text, /data-test="invite-accept-form"/);
    assert.match(form.text, new RegExp(email.replace(/[.]/g, '\\.')));

    // The usual password rules.
    const weak = await formPost(t, `/invite/${mail.token}`).send({ password: 'Password12' }).expect(400);
    assert.match(weak.text, /data-test="field-error" data-field="password"/);

    const done = await formPost(t, `/invite/${mail.token}`).send({ password: NEW }).expect(303);
    assert.ok(['/account/two-factor', '/finance'].includes(done.headers.location), done.headers.location);
    const cookie = sessionCookie(done);
    assert.ok(cookie, 'the invitee is signed in');
    const me = await request(t.url).get('/api/auth/me').set(bearer(cookie)).expect(200);
    assert.equal(me.body.email, email);
    assert.equal(me.body.role, 'finance');

    // Signs in with the chosen password from now on.
    await request(t.url).post('/api/auth/login').send({ email, password: NEW }).expect(200);
    const after = (await request(t.url).get('/api/staff').set(bearer(admin.token)).expect(200)).body.find((r: { email: string }) => r.email === email);
    assert.equal(after.status, 'active');
    assert.equal(after.locale, 'ru');
    assert.ok(after.lastSignInAt && Date.now() - Date.parse(after.lastSignInAt) < 60_000, 'last sign-in recorded');

    // The admin page lists them in words.
    const list = await page('/admin/staff', admin.token).expect(200);
    assert.match(list.text, new RegExp(`data-email="${email.replace(/[.]/g, '\\.')}" data-status="active" data-role="finance"`));
  });

  it('a used link says so in words; an expired one too; an unknown one too', async () => {
    const email = uniqueEmail('ivan', 'handshake.example');
    await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).send({ email, role: 'marketer', locale: 'en' }).expect(201);
    const { token, subject } = await invitation(email);
    assert.match(subject, /invited/);
    await formPost(t, `/invite/${token}`).send({ password: NEW }).expect(303);

    const used = await page(`/invite/${token}`).set('cookie', 'lang=en').expect(410);
    assert.match(used.text, /data-state="used"/);
    assert.match(used.text, /already used/);
    const again = await formPost(t, `/invite/${token}`).send({ password: 'another-quiet-harbor-19' }).expect(410);
    assert.match(again.text, /data-state="used"/);
    await request(t.url).post('/api/auth/login').send({ email, password: 'another-quiet-harbor-19' }).expect(401);

    const late = uniqueEmail('late', 'handshake.example');
    await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).send({ email: late, role: 'marketer', locale: 'ru' }).expect(201);
    const expired = await invitation(late);
    await t.db.query(`UPDATE password_resets r SET expires_at = now() - interval '1 second' FROM users u WHERE u.id = r.user_id AND u.email = $1`, [late]);
    const expiredPage = await page(`/invite/${expired.token}`).set('cookie', 'lang=ru').expect(410);
    assert.match(expiredPage.text, /data-state="expired"/);
    assert.match(expiredPage.text, /Срок действия ссылки-приглашения истёк/);
    await formPost(t, `/invite/${expired.token}`).send({ password: NEW }).expect(410);
    await request(t.url).post('/api/auth/login').send({ email: late, password: NEW }).expect(401);

    const unknown = await page(`/invite/${'x'.repeat(43)}`).expect(410);
    assert.match(unknown.text, /data-state="unknown"/);
    // An invitation link does not work as a reset link.
    await request(t.url).post('/api/auth/password-reset/confirm').send({ token: expired.token, newPassword: NEW }).expect(400);
  });

  it('re-inviting an invited address sends a fresh link and the old one stops working; a signed-up address is refused', async () => {
    const email = uniqueEmail('twice', 'handshake.example');
    await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).send({ email, role: 'marketer' }).expect(201);
    const first = await invitation(email);
    const res = await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).send({ email: email.toUpperCase(), role: 'finance', locale: 'en' }).expect(201);
    assert.equal(res.body.reinvited, true);
    assert.equal(res.body.account.role, 'finance');
    const second = await invitation(email);
    assert.notEqual(first.token, second.token);
    assert.match((await page(`/invite/${first.token}`).expect(410)).text, /data-state="used"/);
    await page(`/invite/${second.token}`).expect(200);

    const taken = await request(t.url).post('/api/staff/invite').set(bearer(admin.token)).set('accept-language', 'ru').send({ email: admin.email, role: 'finance' }).expect(409);
    assert.equal(taken.body.error.code, 'STAFF_EMAIL_TAKEN');
    assert.match(taken.body.error.message, /уже существует/);

    // Through the pages: the form, then a flash on the list.
    const form = await page('/admin/staff/invite', admin.token).expect(200);
    assert.match(form.text, /data-test="invite-form"/);
    const pageEmail = uniqueEmail('page', 'handshake.example');
    const posted = await formPost(t, '/admin/staff/invite', session(admin.token)).send({ email: pageEmail, role: 'marketer', locale: 'en' }).expect(303);
    assert.match(posted.headers.location, /^\/admin\/staff\?done=invited&id=/);
    const flash = await page(posted.headers.location, admin.token).set('cookie', [session(admin.token), 'lang=en'].join('; ')).expect(200);
    assert.match(flash.text, new RegExp(`Invitation sent to ${pageEmail.replace(/[.]/g, '\\.')}`));
    const bad = await formPost(t, '/admin/staff/invite', session(admin.token)).send({ email: 'not-an-email', role: 'marketer', locale: 'en' }).expect(400);
    assert.match(bad.text, /data-field="email"/);
  });

  it('staff pages and API are for admins only', async () => {
    const finance = await staff(Role.Finance);
    await request(t.url).get('/api/staff').set(bearer(finance.token)).expect(403);
    await request(t.url).post('/api/staff/invite').set(bearer(finance.token)).send({ email: uniqueEmail(), role: 'admin' }).expect(403);
    await page('/admin/staff', finance.token).expect(403);
  });
});

describe('roles and the last admin', () => {
  it('changes a role (applies at once), never one’s own, and always keeps an active admin', async () => {
    const m = await staff(Role.Marketer);
    await request(t.url).get('/api/payouts/batches').set(bearer(m.token)).expect(403);
    const changed = await request(t.url).post(`/api/staff/${m.id}/role`).set(bearer(admin.token)).send({ role: 'finance' }).expect(200);
    assert.equal(changed.body.role, 'finance');
    // The open session acts with the new role at once.
    assert.equal((await request(t.url).get('/api/auth/me').set(bearer(m.token)).expect(200)).body.role, 'finance');
    // In the security log: whose role, who changed it, from and to.
    const [entry] = await t.db.query(`SELECT actor_id, detail FROM security_events WHERE kind = 'role_changed' AND user_id = $1`, [m.id]);
    assert.equal(entry.actor_id, admin.id);
    assert.deepEqual(entry.detail, { from: 'marketer', to: 'finance' });

    const own = await request(t.url).post(`/api/staff/${admin.id}/role`).set(bearer(admin.token)).send({ role: 'finance' }).expect(409);
    assert.equal(own.body.error.code, 'CANNOT_CHANGE_OWN_ROLE');
    await request(t.url).post(`/api/staff/${m.id}/role`).set(bearer(admin.token)).send({ role: 'referrer' }).expect(400);
    await request(t.url).post(`/api/staff/00000000-0000-4000-8000-000000000000/role`).set(bearer(admin.token)).send({ role: 'finance' }).expect(404);

    // Two admins; the second (via the page) makes the first a marketer; the first can no longer act as admin.
    const second = await staff(Role.Admin);
    const viaPage = await formPost(t, `/admin/staff/${admin.id}/role`, session(second.token)).send({ role: 'marketer' }).expect(303);
    assert.match(viaPage.headers.location, /done=role/);
    await request(t.url).get('/api/staff').set(bearer(admin.token)).expect(403);

    // Now `second` is the only active admin: an admin API key of the demoted admin cannot demote it…
    // (their keys were revoked with their admin role) and nobody can demote or disable the last admin.
    const other = await staff(Role.Admin);
    await request(t.url).post(`/api/staff/${other.id}/disable`).set(bearer(second.token)).expect(200);
    // `second` is the last active admin; an invited admin does not count.
    await request(t.url).post('/api/staff/invite').set(bearer(second.token)).send({ email: uniqueEmail('adm', 'handshake.example'), role: 'admin' }).expect(201);
    const svc = t.app.get(StaffManagementService);
    await assert.rejects(() => svc.changeRole({ id: other.id, email: other.email, role: Role.Admin }, second.id, Role.Finance), /at least one active admin/);
    await assert.rejects(() => svc.disable({ id: other.id, email: other.email, role: Role.Admin }, second.id), /at least one active admin/);
    const lastPage = await formPost(t, `/admin/staff/${second.id}/disable`, session(second.token)).send({ confirm: 'yes' }).expect(409);
    assert.match(lastPage.text, /data-code="CANNOT_DISABLE_SELF"/);

    // Restore: `second` makes `admin` an admin again.
    await request(t.url).post(`/api/staff/${admin.id}/role`).set(bearer(second.token)).send({ role: 'admin' }).expect(200);
    admin.token = (await request(t.url).post('/api/auth/login').send({ email: admin.email, password: PASSWORD }).expect(200)).body.accessToken;
    await request(t.url).post(`/api/staff/${other.id}/enable`).set(bearer(admin.token)).expect(200);
    // With two active admins again, one may be demoted.
    await request(t.url).post(`/api/staff/${other.id}/role`).set(bearer(admin.token)).send({ role: 'marketer' }).expect(200);
  });
});

describe('disabling', () => {
  it('a confirm page says what happens; disabling ends an open session and API keys at once and blocks sign-in; enabling lets them back', async () => {
    const victim = await staff(Role.Admin);
    const pageSession = (await request(t.url).post('/api/auth/login').send({ email: victim.email, password: PASSWORD }).expect(200)).body.accessToken;
    await page('/admin/staff', pageSession).expect(200);
    const key = (await request(t.url).post('/api/api-keys').set(bearer(victim.token)).send({ name: 'nightly', role: 'finance' }).expect(201)).body.key as string;
    await request(t.url).get('/api/auth/me').set(bearer(key)).expect(200);

    const confirm = await formPost(t, `/admin/staff/${victim.id}/disable`, `${session(admin.token)}; lang=en`).expect(200);
    assert.match(confirm.text, /data-test="confirm-question"/);
    assert.match(confirm.text, /signed out everywhere at once/);
    // Nothing happened yet.
    await request(t.url).get('/api/auth/me').set(bearer(victim.token)).expect(200);

    const done = await formPost(t, `/admin/staff/${victim.id}/disable`, session(admin.token)).send({ confirm: 'yes' }).expect(303);
    assert.match(done.headers.location, /done=disabled/);
    await request(t.url).get('/api/auth/me').set(bearer(victim.token)).expect(401);
    const html = await page('/admin/staff', pageSession);
    assert.notEqual(html.status, 200);
    await request(t.url).get('/api/auth/me').set(bearer(key)).expect(401);
    const refused = await request(t.url).post('/api/auth/login').send({ email: victim.email, password: PASSWORD }).expect(403);
    assert.equal(refused.body.error.code, 'ACCOUNT_DISABLED');
    const [keyRow] = await t.db.query(`SELECT revoked_at, revoked_by FROM api_keys WHERE created_by = $1`, [victim.id]);
    assert.ok(keyRow.revoked_at);
    assert.equal(keyRow.revoked_by, admin.id);
    assert.equal((await t.db.query(`SELECT 1 FROM security_events WHERE kind = 'account_disabled' AND user_id = $1 AND actor_id = $2`, [victim.id, admin.id])).length, 1);
    const row = (await request(t.url).get('/api/staff').set(bearer(admin.token)).expect(200)).body.find((r: { id: string }) => r.id === victim.id);
    assert.equal(row.status, 'disabled');

    await request(t.url).post(`/api/staff/${victim.id}/enable`).set(bearer(admin.token)).expect(200);
    await request(t.url).post('/api/auth/login').send({ email: victim.email, password: PASSWORD }).expect(200);
    // A revoked key stays revoked; the ended sessions stay ended.
    await request(t.url).get('/api/auth/me').set(bearer(key)).expect(401);
    await request(t.url).get('/api/auth/me').set(bearer(victim.token)).expect(401);
    const self = await request(t.url).post(`/api/staff/${admin.id}/disable`).set(bearer(admin.token)).expect(409);
    assert.equal(self.body.error.code, 'CANNOT_DISABLE_SELF');
  });
});

describe('/account/password', () => {
  it('changes the password with the current one; every other session ends, this one goes on', async () => {
    const me = await staff(Role.Marketer);
    const other = (await request(t.url).post('/api/auth/login').send({ email: me.email, password: PASSWORD }).expect(200)).body.accessToken;
    const form = await page('/account/password', me.token).expect(200);
    assert.match(form.text, /href="\/account\/two-factor"/);

    const wrong = await formPost(t, '/account/password', session(me.token)).send({ currentPassword: 'not-my-password-at-all', newPassword: NEW }).expect(400);
    assert.match(wrong.text, /data-field="currentPassword"/);
    const weak = await formPost(t, '/account/password', session(me.token)).send({ currentPassword: PASSWORD, newPassword: 'qwerty1234' }).expect(400);
    assert.match(weak.text, /data-field="newPassword"/);
    await request(t.url).get('/api/auth/me').set(bearer(other)).expect(200);

    const done = await formPost(t, '/account/password', session(me.token)).send({ currentPassword: PASSWORD, newPassword: NEW }).expect(303);
    assert.equal(done.headers.location, '/account/password?done=changed');
    const fresh = sessionCookie(done)!;
    assert.ok(fresh);
    await request(t.url).get('/api/auth/me').set(bearer(other)).expect(401);
    await request(t.url).get('/api/auth/me').set(bearer(me.token)).expect(401);
    const after = await page('/account/password?done=changed', fresh).set('cookie', [session(fresh), 'lang=en'].join('; ')).expect(200);
    assert.match(after.text, /Password changed/);
    await request(t.url).post('/api/auth/login').send({ email: me.email, password: NEW }).expect(200);
    await request(t.url).post('/api/auth/login').send({ email: me.email, password: PASSWORD }).expect(401);
  });

  it('guessing the current password is limited per account', async () => {
    const me = await staff(Role.Finance);
    for (let i = 0; i < 10; i++) await formPost(t, '/account/password', session(me.token)).send({ currentPassword: `wrong-guess-number-${i}`, newPassword: NEW }).expect(400);
    const limited = await formPost(t, '/account/password', `${session(me.token)}; lang=en`).send({ currentPassword: PASSWORD, newPassword: NEW }).expect(429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.text, /data-code="RATE_LIMITED"/);
    await request(t.url).post('/api/auth/login').send({ email: me.email, password: PASSWORD }).expect(200);
  });
});
