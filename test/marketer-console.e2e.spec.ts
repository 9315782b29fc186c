import assert from 'node:assert/strict';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { formPost } from './support/browser-form';
import { staffToken } from './support/fixtures';
import { linksOf, SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
let t: TestApp;
let sink: SmtpSink;
let token: string;
let cookie: string;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('marketer_console', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: '1000', TRUST_PROXY: 'loopback' } });
  token = await staffToken(t, Role.Marketer);
  cookie = `hs_session=${token}`;
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const page = (path: string, lang: 'en' | 'ru' = 'en') => request(t.url).get(path).set('cookie', `${cookie}; lang=${lang}`).expect(200);
const auth = { authorization: '' };

describe('the marketer console against known data', () => {
  let audienceId: string;
  let campaignId: string;

  it('shows import history with refusal reasons in the reader\'s language', async () => {
    auth.authorization = `Bearer ${token}`;
    const rows: [string, string, string][] = Array.from({ length: 6 }, (_, i) => [`m${i}@shop.example`, `Maria ${i}`, i % 2 ? 'Retail One' : 'Retail Two']);
    const { id, report } = await createAudience(t, token, 'Marketer buyers', csvOf([...rows, ['M2@shop.example', 'Dup', 'Dup'], ['broken', 'X', 'Y']]));
    audienceId = id;
    assert.deepEqual([report.imported, report.rejected], [6, 2]);
    assert.deepEqual(report.rejections.map((r: any) => [r.line, r.code]), [[8, 'DUPLICATE'], [9, 'INVALID_EMAIL']]);
    const ru = await page(`/console/audiences/${id}`, 'ru');
    assert.match(ru.text, /Строка 8: тот же адрес, что в строке 4/);
    assert.match(ru.text, /Строка 9: «broken» — не адрес электронной почты/);
    assert.doesNotMatch(ru.text, /duplicate of line|is not a valid email/);
    const en = await page(`/console/audiences/${id}`);
    assert.match(en.text, /Line 8: the same address as line 4/);
  });

  it('browses and searches contacts, paged', async () => {
    const all = await page(`/console/audiences/${audienceId}`);
    assert.equal((all.text.match(/<tr data-email=/g) ?? []).length, 6);
    const found = await page(`/console/audiences/${audienceId}?q=retail%20one`);
    assert.deepEqual([...found.text.matchAll(/<tr data-email="([^"]+)"/g)].map((m) => m[1]), ['m1@shop.example', 'm3@shop.example', 'm5@shop.example']);
    const byName = await page(`/console/audiences/${audienceId}?q=maria%204`);
    assert.deepEqual([...byName.text.matchAll(/<tr data-email="([^"]+)"/g)].map((m) => m[1]), ['m4@shop.example']);
  });

  it('adds suppressions with a reason, removes one only with a reason, and keeps the audit', async () => {
    await formPost(t, '/console/suppressions', cookie).send({ email: 'M4@shop.example', reason: 'unsubscribed', detail: 'asked by phone' }).expect(303);
    await formPost(t, '/console/suppressions', cookie).send({ email: 'm5@shop.example', reason: 'manual' }).expect(303);
    await formPost(t, '/console/suppressions', cookie).send({ email: 'other@shop.example', reason: 'complaint' }).expect(303);
    const list = await page('/console/suppressions?q=shop');
    assert.deepEqual([...list.text.matchAll(/<tr data-email="([^"]+)" data-reason="([^"]+)"/g)].map((m) => [m[1], m[2]]).sort(), [['m4@shop.example', 'unsubscribed'], ['m5@shop.example', 'manual'], ['other@shop.example', 'complaint']]);
    const search = await page('/console/suppressions?q=m4');
    assert.equal((search.text.match(/<tr data-email=/g) ?? []).length, 1);
    // Without a reason the removal is refused and nothing changes.
    const refused = await formPost(t, '/console/suppressions/remove', cookie).send({ email: 'other@shop.example', removalReason: '' }).expect(400);
    assert.match(refused.text, /data-field="removalReason"/);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM suppressions WHERE email = 'other@shop.example'`))[0].n, 1);
    await formPost(t, '/console/suppressions/remove', cookie).send({ email: 'other@shop.example', removalReason: 'Customer asked to be mailed again (ticket 42)' }).expect(303);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM suppressions WHERE email = 'other@shop.example'`))[0].n, 0);
    const [audit] = await t.db.query(`SELECT email, reason, removal_reason, removed_by IS NOT NULL AS by FROM suppression_removals`);
    assert.deepEqual(audit, { email: 'other@shop.example', reason: 'complaint', removal_reason: 'Customer asked to be mailed again (ticket 42)', by: true });
    const after = await page('/console/suppressions', 'ru');
    assert.match(after.text, /data-removed="other@shop.example"/);
    assert.match(after.text, /Жалоба \(спам\)/);
  });

  it('sends, then shows list figures, the contact history and the funnel (people, machines, causes, left out)', async () => {
    const c = await createCampaign(t, token, audienceId, { name: 'Console check' });
    campaignId = c.id;
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set(auth).send({}).expect(200);
    await t.app.get(CampaignSender).drain();
    await t.db.query(`UPDATE campaign_sends SET sent_at = sent_at - interval '1 minute' WHERE campaign_id = $1`, [c.id]);
    const linkOf = async (email: string) => {
      const parsed = await sink.parse(sink.to(email)[0]);
      const l = linksOf(parsed.html || '');
      return { pixel: new URL(l.pixel!).pathname, about: new URL(l.clicks[0]).pathname };
    };
    const get = (path: string, ua: string, ip?: string) => {
      const r = request(t.url).get(path).set('user-agent', ua);
      return ip ? r.set('x-forwarded-for', ip) : r;
    };
    const l0 = await linkOf('m0@shop.example');
    const l1 = await linkOf('m1@shop.example');
    const l2 = await linkOf('m2@shop.example');
    const l3 = await linkOf('m3@shop.example');
    await get(l0.pixel, HUMAN).expect(200); // m0: a person opens and clicks
    await get(l0.about, HUMAN).expect(302);
    await get(l1.pixel, 'Mozilla/5.0', '17.1.2.3').expect(200); // m1: Apple's proxy only
    await get(l2.about, 'Mozilla/5.0 (compatible; Barracuda Sentinel)').expect(302); // m2: a scanner clicks
    await t.db.query(`UPDATE campaign_sends SET sent_at = now() WHERE campaign_id = $1 AND email = 'm3@shop.example'`, [c.id]);
    await get(l3.about, HUMAN).expect(302); // m3: a "person" clicking within seconds of delivery

    const f = (await request(t.url).get(`/api/campaigns/${c.id}/funnel`).set(auth).expect(200)).body;
    assert.deepEqual(
      [f.figures.listed, f.figures.sent, f.figures.delivered, f.figures.openedHuman, f.figures.openedMachine, f.figures.clickedHuman, f.figures.clickedMachine],
      [4, 4, 4, 1, 3, 1, 2],
    );
    assert.deepEqual(f.machine, { opens: { privacyProxy: 1, scanner: 1, tooSoon: 1 }, clicks: { privacyProxy: 0, scanner: 1, tooSoon: 1 } });
    assert.deepEqual(f.leftOut, { unsubscribed: 1, hardBounce: 0, complaint: 0, manual: 1, afterListing: 0, total: 2 });
    const rate = Object.fromEntries(f.rates.map((r: any) => [r.name, r.bp]));
    assert.equal(rate.open, 2500);

    const list = await page('/console/campaigns');
    const row = new RegExp(`data-campaign="${c.id}"[\\s\\S]*?</tr>`).exec(list.text)![0];
    const cell = (k: string) => new RegExp(`data-test="${k}">([^<]*)<`).exec(row)![1];
    assert.deepEqual([cell('sent'), cell('delivered'), cell('opened'), cell('registered')], ['4', '4', '1', '0']);

    const funnelPage = await page(`/console/campaigns/${c.id}/funnel`, 'ru');
    assert.match(funnelPage.text, /data-test="funnel-legend"/);
    assert.match(funnelPage.text, /data-stage="bounced"/);
    assert.match(funnelPage.text, /data-stage="clickedMachine" data-tone="machine"/);
    assert.match(funnelPage.text, /<tr data-cause="privacyProxy"><th scope="row">[^<]+<\/th><td class="num" data-label="[^"]+" data-test="cause-opens">1<\/td><td class="num" data-label="[^"]+" data-test="cause-clicks">0</);
    assert.match(funnelPage.text, /<tr data-cause="tooSoon"><th scope="row">[^<]+<\/th><td class="num" data-label="[^"]+" data-test="cause-opens">1<\/td><td class="num" data-label="[^"]+" data-test="cause-clicks">1</);
    assert.match(funnelPage.text, /data-left-out="unsubscribed"><dt>Отписались<\/dt><dd>1</);
    assert.match(funnelPage.text, /data-left-out="manual"><dt>Исключены вручную<\/dt><dd>1</);
    assert.match(funnelPage.text, /data-test="timeline-chart"/);
    const campaignPage = await page(`/console/campaigns/${c.id}`);
    assert.match(campaignPage.text, /data-series="openPeople"/);
    assert.match(campaignPage.text, /data-series="clickMachine"/);
  });

  it('shows a contact\'s history: campaigns sent, opens, clicks', async () => {
    const [m0] = await t.db.query(`SELECT id FROM contacts WHERE audience_id = $1 AND email = 'm0@shop.example'`, [audienceId]);
    const p = await page(`/console/audiences/${audienceId}/contacts/${m0.id}`);
    assert.match(p.text, new RegExp(`data-campaign="${campaignId}" data-status="sent"`));
    assert.match(p.text, /Opens: people 1, machines 0/);
    assert.match(p.text, /Clicks: people 1, machines 0/);
    const [m4] = await t.db.query(`SELECT id FROM contacts WHERE audience_id = $1 AND email = 'm4@shop.example'`, [audienceId]);
    const p4 = await page(`/console/audiences/${audienceId}/contacts/${m4.id}`, 'ru');
    assert.match(p4.text, /data-test="contact-suppressed"/);
    assert.match(p4.text, /data-test="no-history"/);
    await request(t.url).get(`/console/audiences/${audienceId}/contacts/00000000-0000-4000-8000-000000000000`).set('cookie', cookie).expect(404);
  });

  it('renames, and deletes after a confirmation that says what happens to history', async () => {
    await formPost(t, `/console/audiences/${audienceId}/rename`, cookie).send({ name: 'Renamed buyers' }).expect(303);
    assert.match((await page(`/console/audiences/${audienceId}`)).text, /<h1>Renamed buyers<\/h1>/);
    const ask = await formPost(t, `/console/audiences/${audienceId}/delete`, cookie).expect(200);
    assert.match(ask.text, /Delete the audience “Renamed buyers” with 6 contacts\?/);
    assert.match(ask.text, /1 campaign: those keep their recipients/);
    await formPost(t, `/console/audiences/${audienceId}/delete`, cookie).send({ confirm: 'yes' }).expect(303);
    assert.doesNotMatch((await page('/console/audiences')).text, /Renamed buyers/);
    // The campaign keeps its history.
    const f = (await request(t.url).get(`/api/campaigns/${campaignId}/funnel`).set(auth).expect(200)).body;
    assert.equal(f.figures.sent, 4);
    // An audience no campaign used is erased with its contacts.
    const { id } = await createAudience(t, token, 'Unused', csvOf([['u@shop.example', 'U', 'U']]));
    await formPost(t, `/console/audiences/${id}/delete`, cookie).send({ confirm: 'yes' }).expect(303);
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM contacts WHERE audience_id = $1`, [id]))[0].n, 0);
  });
});
