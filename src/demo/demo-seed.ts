import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from '../access/role';
import { StaffService } from '../auth/staff.service';
import { CampaignSender } from '../campaigns/campaign-sender';
import { CommissionService } from '../commissions/commission.service';
import { signEmailVerification } from '../common/crypto/email-verification-link';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { LedgerService } from '../ledger/ledger.service';
import { formatMoney } from '../money/money-format';
import { withRussianControlKey } from '../payout-details/bank-details';
import { StripeInboxService } from '../stripe-webhooks/stripe-inbox.service';
import { DemoClient } from './demo-client';
import { BUYER_COMPANIES, FIRST_NAMES, LAST_NAMES, PARTNER_COMPANIES, randomSequence, slug, SUPPLIER_COMPANIES } from './demo-data';
import { DemoPayment, DemoStripe } from './demo-stripe';

export interface DemoSeedReport {
  /** Staff of every role, then one referrer, supplier and partner company: who to log in as. */
  staff: { role: Role; email: string; password: string }[];
  referrers: number;
  suppliers: number;
  invoices: number;
  refunds: number;
  disputes: number;
  batches: { paid: string; open: string };
  campaign: { id: string; recipients: number };
  exchange: { members: number; leads: number };
  ledger: { ok: boolean; postings: number };
}

const DAY = 86_400_000;
const BIC = '044525225';
const HUMAN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';
/** An address of Apple's Mail Privacy Protection proxies (machine opens). */
const MPP_IP = '17.58.0.1';
/** Referrers (by index) who never confirm their email address: their cabinets show the banner. */
const UNCONFIRMED = [5, 17];
/** The exchange's referral fee: 2.5 % of the won deal, paid by the operator. */
const EXCHANGE_FEE_BP = 250;

/** A random password (16 characters from 96 random bits): strong, printed once for staff. */
function password(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * A believable program built through the product's own paths: the public API for every person's
 * action, signed Stripe webhook events posted to the app's endpoint for a year of billing, the
 * campaign sender and the outbox for mail, the hold-release job for commissions. `progress` gets one
 * line per step.
 */
export class DemoSeed {
  private readonly api: DemoClient;
  private readonly rnd = randomSequence();
  private readonly now = new Date();
  private invoices = 0;
  /** One account of each outside role, printed beside the staff so every page can be looked at. */
  private readonly samples: { role: Role; email: string; password: string }[] = [];

  constructor(
    private readonly app: INestApplication,
    url: string,
    private readonly stripe: DemoStripe,
    private readonly progress: (line: string) => void,
  ) {
    this.api = new DemoClient(url);
  }

  private pick<T>(xs: T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  private async login(email: string, pass: string): Promise<string> {
    return (await this.api.call('POST', '/api/auth/login', { body: { email, password: pass } })).accessToken;
  }

  private async webhook(type: string, object: Record<string, unknown>, created: Date): Promise<void> {
    const { payload, header } = this.stripe.signed(type, object, created);
    await this.api.call('POST', '/api/stripe/webhooks', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
  }

  async run(): Promise<DemoSeedReport> {
    const staff = await this.staff();
    const tokens = Object.fromEntries(await Promise.all(staff.map(async (s) => [s.email, await this.login(s.email, s.password)] as const)));
    const [admin, finance1, finance2, marketer] = staff.map((s) => tokens[s.email]);
    this.admin = admin;

    await this.api.call('PUT', '/api/program/settings', { token: admin, body: { name: 'Handshake Демо' }, expect: [200, 400, 404, 422] });
    const referrers = await this.referrers(24);
    await this.linkVisits(referrers);
    const suppliers = await this.suppliers(referrers);
    const payments = await this.billing(suppliers);
    const { refunds, disputes } = await this.refundsAndDisputes(payments);
    await this.app.get(StripeInboxService).whenIdle();
    const released = await this.app.get(CommissionService).releaseDue(this.now);
    this.progress(`commissions released from hold: ${released}`);
    const batches = await this.payouts(referrers, finance1, finance2);
    const campaign = await this.campaign(marketer);
    const exchange = await this.exchange(admin);
    const verify = await this.app.get(LedgerService).verify();
    this.progress(`ledger:verify ok=${verify.ok} postings=${verify.postings}`);
    return {
      staff: [...staff, ...this.samples],
      referrers: referrers.length + campaign.registered,
      suppliers: suppliers.length + campaign.suppliers,
      invoices: this.invoices,
      refunds,
      disputes,
      batches,
      campaign: { id: campaign.id, recipients: campaign.recipients },
      exchange,
      ledger: { ok: verify.ok, postings: verify.postings },
    };
  }

  private async staff(): Promise<{ role: Role; email: string; password: string }[]> {
    const people: [Role, string][] = [
      [Role.Admin, 'admin@demo.handshake.example'],
      [Role.Finance, 'finance@demo.handshake.example'],
      [Role.Finance, 'finance2@demo.handshake.example'],
      [Role.Marketer, 'marketer@demo.handshake.example'],
    ];
    const staffService = this.app.get(StaffService);
    const out = [];
    for (const [role, email] of people) {
      const p = password();
      await staffService.create(email, p, role);
      out.push({ role, email, password: p });
    }
    this.progress(`staff: ${out.length} accounts`);
    return out;
  }

  private async referrers(n: number): Promise<DemoReferrer[]> {
    const out: DemoReferrer[] = [];
    for (let i = 0; i < n; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length];
      const last = LAST_NAMES[(i * 7) % LAST_NAMES.length];
      const company = BUYER_COMPANIES[i % BUYER_COMPANIES.length] + (i >= BUYER_COMPANIES.length ? ` ${i}` : '');
      const email = `${slug(first)}.${slug(last)}${i}@${slug(company)}.example`;
      const p = password();
      const res = await this.api.call('POST', '/api/referrers', { body: { email, password: p, fullName: `${first} ${last}`, companyName: company, acceptedOfferVersion: 1 } });
      const r: DemoReferrer = { id: res.referrer.id, token: res.accessToken, code: res.referrer.promoCode.code, email, name: `${first} ${last}`, bank: false };
      // The sample referrer has confirmed its address; the first one who has not is printed too (its cabinet shows the banner).
      if (i === 0 || i === UNCONFIRMED[0]) this.samples.push({ role: Role.Referrer, email, password: p });
      if (!UNCONFIRMED.includes(i)) await this.confirmEmail(r);
      // Most keep the default split; some give suppliers more, some keep more for themselves.
      const split = res.referrer.split;
      if (i % 3 === 1 && split) {
        const bounds = res.referrer.splitBounds;
        const discountBp = bounds ? Math.min(bounds.maxDiscountBp, Math.max(bounds.minDiscountBp, split.discountBp + (i % 2 ? 500 : -300))) : split.discountBp;
        await this.api.call('PUT', '/api/referrers/me/split', { token: r.token, body: { discountBp }, expect: [200, 400, 409, 422] });
      }
      out.push(r);
      if ((i + 1) % 8 === 0) this.progress(`referrers: ${i + 1}/${n}`);
    }
    // Two thirds give bank details for their payouts.
    for (const r of out.filter((_, i) => i % 3 !== 2)) {
      await this.giveBankDetails(r);
    }
    this.progress(`referrers: ${out.length}, ${out.filter((r) => r.bank).length} with bank details, ${out.length - UNCONFIRMED.length} confirmed their email address (not: ${UNCONFIRMED.map((i) => out[i].email).join(', ')})`);
    return out;
  }

  /**
   * The referrer follows the "confirm your address" link: the link the product mails (signed with
   * the tracking secret, bound to the address), confirmed by the product's own confirm path.
   */
  private async confirmEmail(r: DemoReferrer): Promise<void> {
    const [row] = await this.app.get(DataSource).query(`SELECT user_id FROM referrers WHERE id = $1`, [r.id]);
    const config = this.app.get<AppConfig>(APP_CONFIG);
    await this.app.get(EmailVerificationService).confirm(signEmailVerification(config.trackingSecret, row.user_id as string, r.email));
  }

  /**
   * People open the referral links (GET /join?ref=CODE from a browser, each from its own address),
   * and now and then a mail scanner follows one: the links page counts them apart.
   */
  private async linkVisits(referrers: DemoReferrer[]): Promise<void> {
    let people = 0;
    let machines = 0;
    for (const [i, r] of referrers.slice(0, 12).entries()) {
      for (let v = 0; v < 12 - i; v++) {
        await this.api.call('GET', `/join?ref=${encodeURIComponent(r.code)}`, { headers: { 'user-agent': HUMAN, 'x-forwarded-for': `198.51.100.${i * 16 + v + 1}` }, expect: [303] });
        people++;
      }
      if (i % 4 === 0) {
        await this.api.call('GET', `/join?ref=${encodeURIComponent(r.code)}`, { headers: { 'user-agent': SCANNER, 'x-forwarded-for': `203.0.113.${i + 1}` }, expect: [303] });
        machines++;
      }
    }
    this.progress(`referral link visits: ${people} by people, ${machines} by link scanners`);
  }

  private taxSeq = 7_700_000_000 + Math.floor(Math.random() * 100_000_000);

  private async suppliers(referrers: DemoReferrer[]): Promise<DemoSupplier[]> {
    const out: DemoSupplier[] = [];
    for (let i = 0; i < SUPPLIER_COMPANIES.length * 2; i++) {
      const company = SUPPLIER_COMPANIES[i % SUPPLIER_COMPANIES.length] + (i >= SUPPLIER_COMPANIES.length ? ' Регион' : '');
      // Four in five come with a referrer's code; the first referrers bring more.
      const referrer = i % 5 === 4 ? undefined : referrers[Math.floor(this.rnd() ** 1.6 * referrers.length)];
      const email = `office${i}@${slug(company)}.example`;
      const p = password();
      if (i === 0) this.samples.push({ role: Role.Supplier, email, password: p });
      const res = await this.api.call('POST', '/api/suppliers', { body: { email, password: p, companyName: company, companyTaxId: String(++this.taxSeq), promoCode: referrer?.code } });
      out.push({ id: res.supplier.id, referrer, customer: this.stripe.id('cus'), subscription: this.stripe.id('sub'), discountBp: res.supplier.attribution?.discountBp ?? 0 });
    }
    this.progress(`suppliers: ${out.length}, ${out.filter((s) => s.referrer).length} through a referrer's code`);
    return out;
  }

  /** A year of monthly invoices: each supplier starts in some month and pays every month since. */
  private async billing(suppliers: DemoSupplier[]): Promise<DemoPayment[]> {
    const payments: { p: DemoPayment; at: Date }[] = [];
    for (const s of suppliers) {
      const startMonthsAgo = 1 + Math.floor(this.rnd() * 12);
      const price = 40_000_00 + Math.floor(this.rnd() * 8) * 10_000_00;
      const net = Math.round((price * (10_000 - s.discountBp)) / 10_000);
      const tax = Math.round(net * 0.2);
      const stopsAfter = this.rnd() < 0.15 ? 2 + Math.floor(this.rnd() * 4) : Infinity;
      for (let k = 0; k <= startMonthsAgo && k < stopsAfter; k++) {
        const at = new Date(this.now.getTime() - (startMonthsAgo - k) * 30 * DAY - Math.floor(this.rnd() * 3) * DAY - 2 * DAY);
        payments.push({ p: this.stripe.paidInvoice({ supplierId: s.id, customer: s.customer, subscription: s.subscription, total: net + tax, tax, paidAt: at }), at });
      }
    }
    payments.sort((a, b) => a.at.getTime() - b.at.getTime());
    let sent = 0;
    for (const { p, at } of payments) {
      await this.webhook('invoice.paid', p.invoice, at);
      if (++sent % 50 === 0) this.progress(`invoices paid (signed invoice.paid events): ${sent}/${payments.length}`);
    }
    this.invoices = payments.length;
    await this.app.get(StripeInboxService).whenIdle();
    this.progress(`invoices paid: ${payments.length} over the last 12 months`);
    return payments.map((x) => x.p);
  }

  private async refundsAndDisputes(payments: DemoPayment[]): Promise<{ refunds: number; disputes: number }> {
    const candidates = payments.filter((_, i) => i % 37 === 5).slice(0, 4);
    for (const [i, p] of candidates.entries()) {
      const at = new Date(p.paidAt * 1000 + 5 * DAY);
      const amount = i === 0 ? (p.charge.amount as number) : Math.round((p.charge.amount as number) / 4);
      const { refund, charge } = this.stripe.refund(p, amount, at);
      await this.webhook('refund.created', refund, at);
      await this.webhook('charge.refunded', charge, at);
    }
    const disputed = payments[payments.length - 3];
    const dispute = this.stripe.dispute(disputed, 'needs_response');
    await this.webhook('charge.dispute.created', dispute, new Date());
    const lost = payments[Math.floor(payments.length / 2)];
    const d2 = this.stripe.dispute(lost, 'needs_response');
    await this.webhook('charge.dispute.created', d2, new Date(lost.paidAt * 1000 + 10 * DAY));
    await this.webhook('charge.dispute.closed', { ...d2, status: 'lost' }, new Date(lost.paidAt * 1000 + 40 * DAY));
    this.progress(`refunds: ${candidates.length}, disputes: 2 (one open, one lost)`);
    return { refunds: candidates.length, disputes: 2 };
  }

  /** The referrer gives a (valid, made-up) Russian bank account for its payouts. */
  private async giveBankDetails(r: DemoReferrer): Promise<void> {
    const account = withRussianControlKey(BIC, `40817810X${String(10_000_000_000 + Math.floor(this.rnd() * 89_999_999_999)).slice(0, 11)}`);
    await this.api.call('PUT', '/api/payout-details/me/bank', { token: r.token, body: { accountHolder: r.name, bankIdentifier: BIC, accountNumber: account } });
    r.bank = true;
  }

  /** A completed batch paid by bank transfer, then an open one waiting for a second approver. */
  private async payouts(referrers: DemoReferrer[], finance1: string, finance2: string): Promise<{ paid: string; open: string }> {
    const paid = await this.api.call('POST', '/api/payouts/batches', { token: finance1, body: {} });
    await this.api.call('POST', `/api/payouts/batches/${paid.id}/approve`, { token: finance2 });
    await this.api.call('POST', `/api/payouts/batches/${paid.id}/execute`, { token: finance1 });
    const detail = await this.api.call('GET', `/api/payouts/batches/${paid.id}`, { token: finance1 });
    for (const item of detail.items) await this.api.call('POST', `/api/payouts/items/${item.id}/mark-paid`, { token: finance1 });
    this.progress(`payout batch paid: ${detail.items.length} referrers`);
    // The rest give their bank details now: their money waits in a new batch for approval.
    for (const r of referrers.filter((x) => !x.bank)) {
      await this.giveBankDetails(r);
    }
    const open = await this.api.call('POST', '/api/payouts/batches', { token: finance1, body: {}, expect: [201, 409, 422] });
    this.progress(`payout batch awaiting approval: ${open.id ? open.itemCount ?? 'created' : 'nothing to pay'}`);
    return { paid: paid.id, open: open.id ?? '' };
  }

  /** An audience, a sent campaign (to the outbox), opens and clicks by people and machines, registrations. */
  private async campaign(marketer: string): Promise<{ id: string; recipients: number; registered: number; suppliers: number }> {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const first = FIRST_NAMES[(i * 3) % FIRST_NAMES.length];
      const last = LAST_NAMES[(i * 11) % LAST_NAMES.length];
      const company = `${BUYER_COMPANIES[(i * 5) % BUYER_COMPANIES.length]} ${i + 1}`;
      return `${slug(first)}.${slug(last)}.${i}@${slug(company)}.example,${first} ${last},${company}`;
    });
    const audience = await this.api.call('POST', '/api/audiences', { token: marketer, body: { name: 'Закупщики HoReCa' } });
    await this.api.call('POST', `/api/audiences/${audience.id}/imports`, { token: marketer, raw: `email,name,company\n${rows.join('\n')}\n`, headers: { 'content-type': 'text/csv' } });
    const body = `<h1>Здравствуйте, {{firstName}}!</h1>
<p>Поставщики, с которыми работает {{company}}, могут получать скидку, а вы — вознаграждение с каждого их платежа.</p>
<p><a href="https://handshake.example/program">Как устроена программа</a></p>
{{> button url=registrationLink label="Стать партнёром"}}
{{> signature}}`;
    const campaign = await this.api.call('POST', '/api/campaigns', { token: marketer, body: { name: 'Закупщики HoReCa, декабрь', audienceId: audience.id, subject: '{{firstName}}, зарабатывайте на рекомендациях поставщикам', body } });
    await this.api.call('POST', `/api/campaigns/${campaign.id}/schedule`, { token: marketer, body: {} });
    await this.app.get(CampaignSender).drain();
    this.progress(`campaign sent to ${rows.length} recipients (kept in the outbox)`);

    const outbox = await this.api.call('GET', `/api/outbox?perPage=200&q=${encodeURIComponent('зарабатывайте')}`, { token: this.admin });
    const messages = await Promise.all(outbox.items.map((m: { id: string }) => this.api.call('GET', `/api/outbox/${m.id}`, { token: this.admin })));
    // Scanners follow links at once; people read later (the seed waits past the scanner window).
    const links = messages.map((m: { html: string }) => ({
      pixel: /src="([^"]*\/t\/o\/[^"]+)"/.exec(m.html)?.[1],
      clicks: [...m.html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((x) => x[1]),
    }));
    const path = (u: string) => new URL(u).pathname;
    const hit = (u: string, ua: string, ip?: string) => this.api.call('GET', path(u), { headers: { 'user-agent': ua, ...(ip ? { 'x-forwarded-for': ip } : {}) }, expect: [200, 302] });
    for (const [i, l] of links.entries()) {
      if (l.pixel && i % 3 === 0) await hit(l.pixel, 'Mozilla/5.0', MPP_IP);
      if (l.clicks[0] && i % 10 === 7) await hit(l.clicks[0], SCANNER);
    }
    this.progress('waiting 11 s so that people\'s clicks are not taken for a scanner\'s…');
    await new Promise((r) => setTimeout(r, 11_000));
    const registerLocations: string[] = [];
    for (const [i, l] of links.entries()) {
      if (l.pixel && i % 5 < 3) await hit(l.pixel, HUMAN);
      if (l.clicks[0] && i % 4 === 0) await hit(l.clicks[0], HUMAN);
      if (l.clicks[1] && i % 6 === 0) registerLocations.push((await hit(l.clicks[1], HUMAN)).location);
    }
    let registered = 0;
    let suppliers = 0;
    for (const [k, location] of registerLocations.entries()) {
      if (k % 3 === 2) continue; // some click and do not register
      const campaignToken = new URL(location, 'http://x').searchParams.get('c') ?? undefined;
      const company = `Кейтеринг ${k + 1}`;
      const res = await this.api.call('POST', '/api/referrers', { body: { email: `buyer${k}@${slug(company)}.example`, password: password(), fullName: `${FIRST_NAMES[k]} ${LAST_NAMES[k]}`, companyName: company, acceptedOfferVersion: 1, campaignToken } });
      registered++;
      if (k % 2 === 0) {
        const s = await this.api.call('POST', '/api/suppliers', { body: { email: `sales${k}@postavka-${k}.example`, password: password(), companyName: `Поставка ${k + 1}`, companyTaxId: String(++this.taxSeq), promoCode: res.referrer.promoCode.code } });
        const p = this.stripe.paidInvoice({ supplierId: s.supplier.id, customer: this.stripe.id('cus'), subscription: this.stripe.id('sub'), total: 45_000_00, tax: 7_500_00, paidAt: new Date() });
        await this.webhook('invoice.paid', p.invoice, new Date());
        suppliers++;
        this.invoices++;
      }
    }
    await this.app.get(StripeInboxService).whenIdle();
    this.progress(`campaign funnel: ${registered} registered, ${suppliers} suppliers paying`);
    return { id: campaign.id, recipients: rows.length, registered, suppliers };
  }

  private admin = '';

  /** Partner companies exchanging leads, with leads offered, accepted, worked, won, lost and declined. */
  private async exchange(admin: string): Promise<{ members: number; leads: number }> {
    for (const slugName of ['erp', 'crm', 'logistics']) await this.api.call('POST', '/api/exchange/tags', { token: admin, body: { slug: slugName, label: slugName.toUpperCase() }, expect: [201, 409] });
    const rules = await this.api.call('GET', '/api/exchange/rules');
    // The operator pays partners a referral fee on every won deal, so partner pages and finance show fees.
    await this.api.call('PUT', '/api/exchange/settings', { token: admin, body: { feeKind: 'percent', feeBp: EXCHANGE_FEE_BP, feePayer: 'operator' } });
    const members: { id: string; token: string }[] = [];
    for (const [i, company] of PARTNER_COMPANIES.entries()) {
      const email = `partners@${slug(company)}.example`;
      const p = password();
      if (i === 0) this.samples.push({ role: Role.Partner, email, password: p });
      const res = await this.api.call('POST', '/api/exchange/applications', { body: { email, password: p, companyName: company, contactName: `${FIRST_NAMES[i + 4]} ${LAST_NAMES[i + 4]}`, acceptedRulesVersion: rules.version } });
      await this.api.call('POST', `/api/exchange/members/${res.member.id}/admit`, { token: admin });
      await this.api.call('PUT', '/api/exchange/members/me/profile', { token: res.accessToken, body: { threshold: '0', tags: [['erp'], ['crm'], ['logistics'], ['erp', 'crm']][i], regions: [], weeklyCapacity: 10 } });
      members.push({ id: res.member.id, token: res.accessToken });
    }
    const customers = ['Агрохолдинг Восток', 'Сеть кофеен Бариста', 'Завод Полимер', 'Транспортная компания Вектор', 'Клиника Здоровье', 'Сеть аптек Надежда', 'Строймаркет', 'Отель Панорама'];
    const leads: string[] = [];
    for (const [i, companyName] of customers.entries()) {
      const from = members[i % members.length];
      const tags = [['erp'], ['crm'], ['logistics'], ['erp']][i % 4];
      const lead = await this.api.call('POST', '/api/exchange/leads', {
        token: from.token,
        body: { companyName, contactName: `${FIRST_NAMES[i]} ${LAST_NAMES[i + 2]}`, contactEmail: `info@${slug(companyName)}.example`, tags, needsText: 'Нужна система для оптовых заказов и интеграция с 1С', budget: String((2 + i) * 1_000_000_00), authority: 'decision_maker', need: 'high', timelineDays: 30 },
      });
      leads.push(lead.id);
    }
    await this.api.call('POST', '/api/exchange/route', { token: admin });
    // Each receiver works its offered leads into a different state.
    const outcomes = ['won', 'lost', 'proposal', 'contacted', 'accepted', 'declined', 'offered', 'offered'];
    for (const m of members) {
      const inbox: { id: string; routingState: string }[] = await this.api.call('GET', '/api/exchange/leads/inbox', { token: m.token });
      for (const l of inbox.filter((x) => x.routingState === 'offered')) {
        const outcome = outcomes[leads.indexOf(l.id) % outcomes.length];
        if (outcome === 'offered') continue;
        if (outcome === 'declined') {
          await this.api.call('POST', `/api/exchange/leads/${l.id}/decline`, { token: m.token, body: { reason: 'Не наш профиль' } });
          continue;
        }
        await this.api.call('POST', `/api/exchange/leads/${l.id}/accept`, { token: m.token });
        if (outcome === 'accepted') continue;
        await this.api.call('POST', `/api/exchange/leads/${l.id}/status`, { token: m.token, body: { status: 'contacted', note: 'Созвонились с финансовым директором' } });
        if (outcome === 'contacted') continue;
        await this.api.call('POST', `/api/exchange/leads/${l.id}/status`, { token: m.token, body: { status: 'proposal' } });
        // 1,800,000.00 RUB: the passing partner earns 2.5 % of it (45,000.00 RUB).
        if (outcome === 'won') await this.api.call('POST', `/api/exchange/leads/${l.id}/status`, { token: m.token, body: { status: 'won', wonValue: '180000000', note: 'Договор подписан' } });
        if (outcome === 'lost') await this.api.call('POST', `/api/exchange/leads/${l.id}/status`, { token: m.token, body: { status: 'lost', lostReason: 'Выбрали другого поставщика' } });
      }
    }
    const fees: { currency: string; n: number; total: string }[] = await this.app.get(DataSource).query(`SELECT btrim(currency) AS currency, count(*)::int AS n, sum(amount)::text AS total FROM exchange_fees GROUP BY 1`);
    const feeText = fees.map((f) => `${f.n} referral fee(s) of ${formatMoney('en', BigInt(f.total), f.currency)}`).join(', ') || 'no referral fees';
    this.progress(`exchange: ${members.length} partner companies, ${leads.length} leads, ${feeText} (${EXCHANGE_FEE_BP / 100} % of the won deal, paid by the operator)`);
    return { members: members.length, leads: leads.length };
  }
}

interface DemoReferrer {
  id: string;
  token: string;
  code: string;
  email: string;
  name: string;
  bank: boolean;
}

interface DemoSupplier {
  id: string;
  referrer?: DemoReferrer;
  customer: string;
  subscription: string;
  discountBp: number;
}

/** Whether the database already holds a program (the seed runs only on an empty one). */
export async function databaseHoldsData(db: DataSource): Promise<string | null> {
  for (const table of ['users', 'referrers', 'suppliers', 'audiences', 'exchange_members']) {
    const [row] = await db.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (row.any) return table;
  }
  return null;
}
