import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/access/role';
import { catalogPairs } from '../../src/i18n/messages';
import { homeOf } from '../../src/web/sections';
import { browserSkipReason, launchBrowser } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';
import { buildWorld, World } from '../support/world';
import { contextFor, watchCsp } from './support/pages';

/**
 * Every page of every role, in both languages, at 390 and 1280 px. Fails on: horizontal overflow
 * (of the page, or of a list's cards inside their scroll box on a phone),
 * a form control without a label, an axe-core violation of impact serious or critical, a CSP
 * violation, an English catalog string on a Russian page, a raw enum value or field name.
 * All problems are collected and reported at once. Screenshots: /tmp/page-sweep/<role>-<page>-<lang>-<width>.png.
 *
 * KNOWN: problems owned by lane "pages2" (page content) that are not fixed in this branch. Each
 * entry names the page, the check and why; at merge the list should shrink to nothing.
 */
const KNOWN: { page: string; check: Check; reason: string }[] = [
  // The outbox lists stored emails: their subjects are in each recipient's language, not the reader's.
  { page: 'admin-outbox', check: 'english', reason: 'stored email subjects (data, not page text)' },
];

type Check = 'overflow' | 'label' | 'axe' | 'csp' | 'english' | 'enum' | 'status';

const SHOTS = '/tmp/page-sweep';
const WIDTHS = [390, 1280];
const LANGS = ['ru', 'en'] as const;

/** Values of enums and field names that must never reach a page as such. */
const RAW_WORDS = [
  'not_started', 'sales_ready', 'decision_maker', 'pending_approval', 'stripe_connect', 'below_minimum', 'negative_balance',
  'no_details', 'connect_not_ready', 'hard_bounce', 'with_operator', 'signed_up', 'not_routed', 'under_review',
  'needs_response', 'marked_paid', 'marked_failed', 'no_subscription', 'no_matching_member', 'opened_human',
  'opened_machine', 'in_transit', 'past_due', 'conversionOfRegistered', 'openedHuman', 'openedMachine', 'discountBp', 'commissionBp',
];

type Who = 'anonymous' | Role;
interface PageSpec {
  who: Who;
  name: string;
  path: (w: World) => string;
  status?: number;
}

/** The pages, by role. Every GET page route of the router must be walked by some entry (checked). */
const PAGES: PageSpec[] = [
  { who: 'anonymous', name: 'home', path: () => '/' },
  { who: 'anonymous', name: 'login', path: () => '/login' },
  { who: 'anonymous', name: 'register', path: () => '/register' },
  { who: 'anonymous', name: 'join', path: (w) => `/join?ref=${w.referrer.code}` },
  { who: 'anonymous', name: 'supplier-signup', path: () => '/suppliers/signup' },
  { who: 'anonymous', name: 'exchange-join', path: () => '/exchange/join' },
  { who: 'anonymous', name: 'unsubscribe-invalid', path: () => '/unsubscribe/not-a-token', status: 404 },
  { who: 'anonymous', name: 'not-found', path: () => '/no-such-page', status: 404 },
  { who: 'anonymous', name: 'reset-password', path: () => '/reset-password' },
  { who: 'anonymous', name: 'verify-email', path: (w) => `/verify-email/${w.verifyEmailToken}` },
  { who: 'anonymous', name: 'verify-email-invalid', path: () => '/verify-email/not-a-token', status: 400 },
  { who: 'anonymous', name: 'notification-unsubscribe-invalid', path: () => '/notifications/unsubscribe/not-a-token', status: 404 },
  { who: Role.Referrer, name: 'cabinet', path: () => '/cabinet' },
  { who: Role.Referrer, name: 'earnings', path: () => '/cabinet/earnings' },
  { who: Role.Referrer, name: 'payout-details', path: () => '/cabinet/payout-details' },
  { who: Role.Referrer, name: 'connect-refresh', path: () => '/cabinet/payout-details/connect/refresh' },
  { who: Role.Referrer, name: 'connect-return', path: () => '/cabinet/payout-details/connect/return' },
  { who: Role.Referrer, name: 'forbidden', path: () => '/finance/payouts', status: 403 },
  { who: Role.Supplier, name: 'supplier', path: () => '/supplier' },
  { who: Role.Partner, name: 'exchange', path: () => '/exchange' },
  { who: Role.Partner, name: 'exchange-statement', path: () => '/exchange/statement' },
  { who: Role.Partner, name: 'exchange-payout-details', path: () => '/exchange/payout-details' },
  { who: Role.Partner, name: 'exchange-connect-refresh', path: () => '/exchange/payout-details/connect/refresh' },
  { who: Role.Partner, name: 'exchange-connect-return', path: () => '/exchange/payout-details/connect/return' },
  { who: Role.Finance, name: 'payouts', path: () => '/finance/payouts' },
  { who: Role.Finance, name: 'batch', path: (w) => `/finance/payouts/batches/${w.batchId}` },
  // finance
  { who: Role.Finance, name: 'finance-dashboard', path: () => '/finance' },
  { who: Role.Admin, name: 'finance-dashboard', path: () => '/finance' },
  { who: Role.Finance, name: 'finance-adjustments', path: () => '/finance/adjustments' },
  { who: Role.Finance, name: 'finance-adjustments-search', path: (w) => `/finance/adjustments?q=${encodeURIComponent(w.paidReferrer.email)}` },
  { who: Role.Finance, name: 'finance-adjustments-form', path: (w) => `/finance/adjustments?referrer=${w.paidReferrer.id}` },
  { who: Role.Admin, name: 'finance-adjustments', path: () => '/finance/adjustments' },
  { who: Role.Finance, name: 'finance-audit', path: () => '/finance/audit' },
  { who: Role.Admin, name: 'finance-audit', path: () => '/finance/audit' },
  { who: Role.Finance, name: 'finance-reconciliation', path: () => '/finance/reconciliation' },
  { who: Role.Admin, name: 'finance-reconciliation', path: () => '/finance/reconciliation' },
  { who: Role.Marketer, name: 'campaigns', path: () => '/console/campaigns' },
  { who: Role.Marketer, name: 'campaign', path: (w) => `/console/campaigns/${w.campaignId}` },
  { who: Role.Marketer, name: 'funnel', path: (w) => `/console/campaigns/${w.campaignId}/funnel` },
  { who: Role.Marketer, name: 'audiences', path: () => '/console/audiences' },
  // marketer
  { who: Role.Marketer, name: 'audience', path: (w) => `/console/audiences/${w.audienceId}` },
  { who: Role.Marketer, name: 'contact', path: (w) => `/console/audiences/${w.audienceId}/contacts/${w.contactId}` },
  { who: Role.Marketer, name: 'suppressions', path: () => '/console/suppressions' },
  { who: Role.Admin, name: 'suppressions', path: () => '/console/suppressions' },
  { who: Role.Admin, name: 'payouts', path: () => '/finance/payouts' },
  { who: Role.Admin, name: 'campaigns', path: () => '/console/campaigns' },
  { who: Role.Admin, name: 'exchange-admin', path: () => '/exchange/admin' },
  { who: Role.Admin, name: 'exchange-analytics', path: () => '/exchange/admin/analytics' },
  { who: Role.Admin, name: 'outbox', path: () => '/admin/outbox' },
  { who: Role.Admin, name: 'security-log', path: () => '/admin/security' },
  { who: Role.Admin, name: 'outbox-message', path: (w) => `/admin/outbox/${w.outboxId}` },
  // admin console (lane admin-console)
  { who: Role.Admin, name: 'admin-dashboard', path: () => '/admin' },
  { who: Role.Finance, name: 'admin-dashboard-forbidden', path: () => '/admin', status: 403 },
  { who: Role.Admin, name: 'admin-settings', path: () => '/admin/settings' },
  { who: Role.Admin, name: 'admin-offer', path: () => '/admin/offer' },
  { who: Role.Admin, name: 'admin-offer-diff', path: () => '/admin/offer/diff' },
  { who: Role.Admin, name: 'admin-offer-diff-missing', path: () => '/admin/offer/diff?from=1&to=99', status: 404 },
  { who: Role.Admin, name: 'admin-stripe-events', path: () => '/admin/stripe-events' },
  // admin: referrers and suppliers
  { who: Role.Admin, name: 'admin-referrers', path: () => '/admin/referrers' },
  { who: Role.Admin, name: 'admin-referrers-search', path: (w) => `/admin/referrers?q=${w.referrer.code}` },
  { who: Role.Admin, name: 'admin-referrers-none', path: () => '/admin/referrers?q=nobody-zzz' },
  { who: Role.Admin, name: 'admin-referrer', path: (w) => `/admin/referrers/${w.referrer.id}` },
  { who: Role.Admin, name: 'admin-referrer-paid', path: (w) => `/admin/referrers/${w.paidReferrer.id}` },
  { who: Role.Admin, name: 'admin-referrer-unknown', path: () => '/admin/referrers/not-a-referrer', status: 404 },
  { who: Role.Admin, name: 'admin-supplier', path: (w) => `/admin/suppliers/${w.supplier.id}?find=${w.paidReferrer.code}` },
  { who: Role.Finance, name: 'admin-supplier-forbidden', path: (w) => `/admin/suppliers/${w.supplier.id}`, status: 403 },
  // referral links and dashboards
  { who: Role.Admin, name: 'referral-links', path: () => '/admin/referral-links' },
  // integrations
  { who: Role.Admin, name: 'integrations', path: () => '/admin/integrations' },
  { who: Role.Admin, name: 'api-keys', path: () => '/admin/integrations/api-keys' },
  { who: Role.Admin, name: 'integration-endpoint', path: (w) => `/admin/integrations/endpoints/${w.webhookEndpointId}` },
  // notifications
  { who: Role.Referrer, name: 'account-notifications', path: () => '/account/notifications' },
  { who: Role.Supplier, name: 'account-notifications', path: () => '/account/notifications' },
  { who: Role.Partner, name: 'account-notifications', path: () => '/account/notifications' },
  { who: Role.Finance, name: 'account-notifications', path: () => '/account/notifications' },
  { who: Role.Marketer, name: 'account-notifications', path: () => '/account/notifications' },
  { who: Role.Admin, name: 'account-notifications', path: () => '/account/notifications' },
  // two-factor sign-in
  { who: Role.Referrer, name: 'account-two-factor', path: () => '/account/two-factor' },
  { who: Role.Finance, name: 'account-two-factor', path: () => '/account/two-factor' },
  // staff (lane staff)
  { who: Role.Admin, name: 'admin-staff', path: () => '/admin/staff' },
  { who: Role.Admin, name: 'admin-staff-invite', path: () => '/admin/staff/invite' },
  { who: Role.Finance, name: 'admin-staff-forbidden', path: () => '/admin/staff', status: 403 },
  { who: 'anonymous', name: 'invite', path: () => `/invite/${inviteToken}` },
  { who: 'anonymous', name: 'invite-invalid', path: () => '/invite/not-a-token', status: 410 },
  { who: Role.Referrer, name: 'account-password', path: () => '/account/password' },
  { who: Role.Supplier, name: 'account-password', path: () => '/account/password' },
  { who: Role.Admin, name: 'account-password', path: () => '/account/password' },
];

/** A live invitation link for the /invite/:token page (made in beforeAll; the page only reads it). */
let inviteToken = '';

/** GET routes that are not pages a person reads. */
const NOT_PAGES = [/^\/api\//, /^\/assets\//, /^\/docs/, /^\/health$/, /^\/metrics$/, /^\/console\/campaigns\/:id\/preview$/, /^\/admin\/outbox\/:id\/html$/];

/** English catalog fragments (of at least four words, placeholders cut out) that differ in Russian. */
function englishFragments(): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  for (const e of catalogPairs()) {
    if (e.en === e.ru) continue;
    for (const part of e.en.split(/\{\w+\}/)) {
      const text = part.trim().replace(/^[\s.,;:·—-]+|[\s,;:·—-]+$/g, '');
      if (text.split(/\s+/).length >= 4 && !e.ru.includes(text)) out.push({ key: e.key, text });
    }
  }
  return out;
}

(browserSkipReason() ? describe.skip : describe)('page sweep: every page of every role', () => {
  let t: TestApp;
  let w: World;
  let browser: Browser;
  let base: string;
  const sessions = new Map<Who, Awaited<ReturnType<BrowserContext['storageState']>> | undefined>();
  beforeAll(async () => {
    t = await startTestApp('page_sweep', { env: { COOKIE_SECURE: 'false' } });
    base = t.config.publicBaseUrl;
    w = await buildWorld(t);
    const invitee = `invitee-${Date.now()}@handshake.example`;
    await fetch(`${t.url}/api/staff/invite`, { method: 'POST', headers: { authorization: `Bearer ${w.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: invitee, role: 'finance', locale: 'ru' }) });
    const [mail] = await t.db.query(`SELECT text_body FROM mail_outbox WHERE to_address = $1`, [invitee]);
    inviteToken = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1];
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('walks every GET page route', () => {
    const express = t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
    const routes = [...new Set(express.router.stack.filter((l) => l.route?.methods.get).map((l) => l.route!.path))];
    const pages = routes.filter((r) => !NOT_PAGES.some((x) => x.test(r)));
    const walked = PAGES.map((p) => p.path(w).split('?')[0]);
    const missing = pages.filter((r) => !walked.some((p) => new RegExp(`^${r.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(p)));
    assert.deepEqual(missing, [], 'page routes the sweep does not walk');
  });

  it('each role signs in through the login form and lands on its own home', async () => {
    const accounts: [Role, string][] = [
      [Role.Referrer, w.referrer.email],
      [Role.Supplier, w.supplier.email],
      [Role.Partner, w.partner.email],
      [Role.Finance, w.emails.finance],
      [Role.Marketer, w.emails.marketer],
      [Role.Admin, w.emails.admin],
    ];
    const wrong: string[] = [];
    for (const [role, email] of accounts) {
      const ctx = await contextFor(browser, base, { width: 1280 });
      const page = await ctx.newPage();
      await page.goto(`${base}/login`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', w.password);
      await page.click('[data-test=login-form] button[type=submit]');
      await page.waitForLoadState('load');
      const landed = new URL(page.url()).pathname;
      if (landed !== homeOf(role)) wrong.push(`${role} landed on ${landed}, not ${homeOf(role)}`);
      sessions.set(role, await ctx.storageState());
      await ctx.close();
    }
    assert.deepEqual(wrong, []);
  });

  it('no page overflows, leaves a control unlabelled, breaks axe, CSP or the language, or shows a raw value', async () => {
    const fragments = englishFragments();
    const problems: { page: string; check: Check; detail: string }[] = [];
    let walked = 0;
    for (const spec of PAGES) {
      for (const lang of LANGS) {
        for (const width of WIDTHS) {
          const id = `${spec.who}-${spec.name}-${lang}-${width}`;
          const ctx = await contextFor(browser, base, { width, lang });
          const state = sessions.get(spec.who);
          if (state) await ctx.addCookies(state.cookies.filter((c) => c.name !== 'lang'));
          const page = await ctx.newPage();
          const csp = watchCsp(page);
          const res = await page.goto(base + spec.path(w), { waitUntil: 'load' });
          walked++;
          const add = (check: Check, detail: string) => problems.push({ page: id, check, detail });
          if ((res?.status() ?? 0) !== (spec.status ?? 200)) add('status', `HTTP ${res?.status()} at ${page.url()}`);
          await page.screenshot({ path: `${SHOTS}/${id}.png`, fullPage: true });
          await checkPage(page, lang, fragments, add);
          for (const v of await csp()) add('csp', v);
          await ctx.close();
        }
      }
    }
    const open = problems.filter((p) => !KNOWN.some((k) => p.page.startsWith(`${k.page}-`) && k.check === p.check));
    const report = open.map((p) => `${p.page} [${p.check}] ${p.detail}`).join('\n');
    assert.ok(walked >= PAGES.length * 4);
    assert.equal(open.length, 0, `${open.length} problems on ${new Set(open.map((p) => p.page)).size} page views:\n${report}`);
    // Over 400 page views with axe-core on each: minutes on a busy machine (no test asserts on time).
  }, 1_800_000);
});

async function checkPage(page: Page, lang: string, fragments: { key: string; text: string }[], add: (check: Check, detail: string) => void): Promise<void> {
  const overflow = (await page.evaluate('[document.scrollingElement.scrollWidth, window.innerWidth]')) as [number, number];
  if (overflow[0] > overflow[1]) {
    const wide = (await page.evaluate(`(() => {
      const w = window.innerWidth; const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && out.length < 3) out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' ' + Math.round(r.right));
      }
      return out;
    })()`)) as string[];
    add('overflow', `scrollWidth ${overflow[0]} > ${overflow[1]}: ${wide.join(', ')}`);
  }
  // On a phone a list turned into cards must fit its box: a card wider than its scroll box hides
  // what it says behind a sideways scroll the page itself does not show.
  if (overflow[1] < 640) {
    const hiddenCards = (await page.evaluate(`[...document.querySelectorAll('.table-scroll')]
      .filter((box) => box.querySelector(':scope > table.table-cards') && box.scrollWidth > box.clientWidth + 2)
      .map((box) => (box.querySelector('table').getAttribute('data-test') || 'table') + ' ' + box.scrollWidth + ' > ' + box.clientWidth)`)) as string[];
    for (const h of hiddenCards) add('overflow', `cards wider than their box: ${h}`);
  }
  const unlabelled = (await page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button' && !el.closest('[hidden]'))
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.tagName.toLowerCase() + '[name=' + (el.name || el.id || '?') + ']')`)) as string[];
  for (const u of unlabelled) add('label', `${u} has no label`);

  await page.evaluate(axe.source);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')))`)) as string[];
  for (const v of violations) add('axe', v);

  const text = (await page.evaluate('document.body.innerText')) as string;
  if (lang === 'ru') {
    for (const f of fragments) if (text.includes(f.text)) add('english', `"${f.text}" (${f.key})`);
  }
  for (const word of RAW_WORDS) if (new RegExp(`(^|[^\\w])${word}([^\\w]|$)`).test(text)) add('enum', word);
}
