import { randomBytes } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { Role } from '../../src/access/role';
import { StaffService } from '../../src/auth/staff.service';
import { LedgerService } from '../../src/ledger/ledger.service';
import { AccountKind, PostingCause } from '../../src/ledger/ledger.types';
import { withRussianControlKey } from '../../src/payout-details/bank-details';
import { StripeInboxService } from '../../src/stripe-webhooks/stripe-inbox.service';
import { FakeRequest, FakeResponse, FakeStripe } from './fake-stripe';
import { PASSWORD, registerReferrer, RegisteredReferrer, uniqueEmail } from './fixtures';
import { TestApp } from './test-app';

/**
 * The Connect endpoints of the fake Stripe: Express accounts, account links, transfers (own
 * idempotency by key, so even a request the core does not cache returns the first transfer),
 * transfer lists by transfer_group / created, the platform balance, and an invoice list filtered
 * by status and created (for reconciliation). Fault injection:
 *  - failDestination(acct, msg): transfers to it are refused with a 400 (the item must fail);
 *  - crashAfterAccept(acct): the transfer is created, then every answer for it is a 500, as if our
 *    process died after Stripe accepted it and before our database committed; clearCrashes() ends it.
 */
export class FakeStripeConnect {
  readonly failures = new Map<string, string>();
  readonly crashing = new Set<string>();
  /** Platform balance per currency (lower case), minor units. */
  readonly balance = new Map<string, number>();
  private readonly byKey = new Map<string, Record<string, any>>();
  private seq = 0;

  constructor(readonly fake: FakeStripe) {
    fake
      .route('POST', /^\/v1\/accounts$/, (req) => ({ body: this.createAccount(req) }))
      .route('GET', /^\/v1\/accounts\/(acct_\w+)$/, (req) => this.get(req.match[1]))
      .route('POST', /^\/v1\/account_links$/, (req) => this.createLink(req))
      .route('POST', /^\/v1\/transfers$/, (req) => this.createTransfer(req))
      .route('GET', /^\/v1\/transfers$/, (req) => ({ body: this.listTransfers(req) }))
      .route('GET', /^\/v1\/transfers\/(tr_\w+)$/, (req) => this.get(req.match[1]))
      .route('GET', /^\/v1\/balance$/, () => ({ body: this.balanceObject() }))
      .route('GET', /^\/v1\/invoices$/, (req) => ({ body: this.listInvoices(req) }))
      .route('GET', /^\/v1\/invoices\/(in_\w+)$/, (req) => this.get(req.match[1]));
  }

  private now(): number {
    return Math.floor(Date.now() / 1000);
  }

  private get(id: string): FakeResponse {
    const obj = this.fake.objects.get(id);
    return obj ? { body: obj } : FakeStripe.error(404, `No such object: '${id}'`, 'invalid_request_error', 'resource_missing');
  }

  private createAccount(req: FakeRequest): Record<string, any> {
    return this.fake.save({
      id: this.fake.id('acct'),
      object: 'account',
      type: req.body.type ?? 'express',
      email: req.body.email ?? null,
      capabilities: { transfers: 'inactive' },
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
      metadata: req.body.metadata ?? {},
      created: this.now(),
    });
  }

  private createLink(req: FakeRequest): FakeResponse {
    if (!this.fake.objects.has(req.body.account)) return FakeStripe.error(400, `No such account: '${req.body.account}'`);
    return {
      body: { object: 'account_link', created: this.now(), expires_at: this.now() + 300, url: `https://connect.stripe.test/setup/e/${req.body.account}/${this.fake.id('link')}`, return_url: req.body.return_url },
    };
  }

  /** Onboarding finished: the account can receive transfers. Returns the account (for an account.updated event). */
  activate(accountId: string, active = true): Record<string, any> {
    const acct = this.fake.objects.get(accountId)!;
    acct.capabilities = { transfers: active ? 'active' : 'inactive' };
    acct.details_submitted = true;
    acct.payouts_enabled = active;
    return acct;
  }

  failDestination(accountId: string, message = 'The destination account cannot receive transfers'): void {
    this.failures.set(accountId, message);
  }

  crashAfterAccept(accountId: string): void {
    this.crashing.add(accountId);
  }

  clearCrashes(): void {
    this.crashing.clear();
  }

  /** Stripe forgets idempotency keys after 24 h: afterwards only listing the transfer group finds a transfer. */
  forgetIdempotencyKeys(): void {
    this.byKey.clear();
  }

  /** Milliseconds each transfer creation takes (to make concurrent executions overlap). */
  transferDelayMs = 0;

  /** Runs after a transfer is stored and before Stripe answers (e.g. to kill the app's database connections). */
  afterTransferCreated?: (transfer: Record<string, any>) => Promise<void>;

  private async createTransfer(req: FakeRequest): Promise<FakeResponse> {
    if (this.transferDelayMs > 0) await new Promise((r) => setTimeout(r, this.transferDelayMs));
    const dest: string = req.body.destination;
    const key = req.idempotencyKey;
    let transfer = key ? this.byKey.get(key) : undefined;
    if (!transfer) {
      if (!this.fake.objects.has(dest)) return FakeStripe.error(400, `No such destination: '${dest}'`, 'invalid_request_error', 'resource_missing');
      const failure = this.failures.get(dest);
      if (failure) return FakeStripe.error(400, failure, 'invalid_request_error', 'account_invalid');
      const amount = Number(req.body.amount);
      const currency = String(req.body.currency);
      const available = this.balance.get(currency) ?? Number.MAX_SAFE_INTEGER;
      if (amount > available) return FakeStripe.error(400, 'You have insufficient funds in your Stripe account', 'invalid_request_error', 'balance_insufficient');
      this.balance.set(currency, available - amount);
      transfer = this.fake.save({
        id: this.fake.id('tr'),
        object: 'transfer',
        amount,
        currency,
        destination: dest,
        transfer_group: req.body.transfer_group ?? null,
        description: req.body.description ?? null,
        metadata: req.body.metadata ?? {},
        reversed: false,
        created: this.now(),
        seq: ++this.seq,
      });
      if (key) this.byKey.set(key, transfer);
      if (this.afterTransferCreated) await this.afterTransferCreated(transfer);
    }
    if (this.crashing.has(dest)) return FakeStripe.error(500, 'Simulated crash after the transfer was accepted', 'api_error');
    return { body: transfer };
  }

  transfers(filter: (t: Record<string, any>) => boolean = () => true): Record<string, any>[] {
    return [...this.fake.objects.values()].filter((o) => o.object === 'transfer' && filter(o));
  }

  private listTransfers(req: FakeRequest): Record<string, any> {
    const q = req.query as Record<string, any>;
    const created = (q.created ?? {}) as Record<string, string>;
    const data = this.transfers(
      (t) =>
        (q.transfer_group === undefined || t.transfer_group === q.transfer_group) &&
        (q.destination === undefined || t.destination === q.destination) &&
        (created.gte === undefined || t.created >= Number(created.gte)) &&
        (created.lt === undefined || t.created < Number(created.lt)),
    ).sort((a, b) => b.seq - a.seq);
    return page(data, q);
  }

  private listInvoices(req: FakeRequest): Record<string, any> {
    const q = req.query as Record<string, any>;
    const created = (q.created ?? {}) as Record<string, string>;
    const data = [...this.fake.objects.values()].filter(
      (o) =>
        o.object === 'invoice' &&
        (q.customer === undefined || o.customer === q.customer) &&
        (q.status === undefined || o.status === q.status) &&
        (created.gte === undefined || o.created >= Number(created.gte)) &&
        (created.lt === undefined || o.created < Number(created.lt)),
    );
    return page(data, q);
  }

  private balanceObject(): Record<string, any> {
    return { object: 'balance', livemode: false, available: [...this.balance].map(([currency, amount]) => ({ currency, amount })), pending: [] };
  }

  /** Delivers a signed account.updated for the account to the app's webhook endpoint. */
  async sendAccountUpdated(appUrl: string, accountId: string, secret = 'whsec_x', created = this.now()): Promise<void> {
    const payload = JSON.stringify({ id: this.fake.id('evt'), object: 'event', type: 'account.updated', created, api_version: '2026-10-28.endive', data: { object: this.fake.objects.get(accountId) } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    await request(appUrl).post('/api/stripe/webhooks').set('stripe-signature', header).set('content-type', 'application/json').send(payload).expect(200);
  }
}

/** Stripe list pagination: limit and starting_after over data in list order. */
function page(data: Record<string, any>[], q: Record<string, any>): Record<string, any> {
  const limit = Math.min(Number(q.limit ?? 10), 100);
  let start = 0;
  if (q.starting_after) start = data.findIndex((o) => o.id === q.starting_after) + 1;
  const slice = data.slice(start, start + limit);
  return { object: 'list', data: slice, has_more: start + limit < data.length, url: '/v1/list' };
}

/** Environment for an app paying out through this fake. */
export function connectEnv(fake: FakeStripe, extra: Record<string, string> = {}): Record<string, string> {
  // One JWT secret: passport strategies are process-wide, so two app instances in one test process must agree.
  return { STRIPE_API_BASE: fake.apiBase, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', JOBS_ENABLED: 'false', JWT_SECRET: 'payout-tests-jwt-secret-0123456789abcdef', ...extra };
}

// ---- Payout test fixtures (shared by the payouts, payout-details and reconciliation tests) ----

export interface StaffUser {
  id: string;
  email: string;
  token: string;
}

/** A finance (or other staff) user with its id and bearer token. */
export async function staffUser(t: TestApp, role: Role = Role.Finance): Promise<StaffUser> {
  const email = uniqueEmail(role, 'handshake.example');
  const account = await t.app.get(StaffService).create(email, PASSWORD, role);
  const res = await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
  return { id: account.id, email, token: res.body.accessToken };
}

/** Available balance straight through the ledger, as a released commission would leave it. */
export async function seedAvailable(t: TestApp, referrerId: string, amount: bigint, currency = 'RUB', invoiceId = `in_seed${randomBytes(6).toString('hex')}`): Promise<string> {
  await t.db.transaction((m) =>
    t.app.get(LedgerService).post(m, {
      idempotencyKey: `test-seed:${invoiceId}`,
      cause: PostingCause.Invoice,
      causeRef: invoiceId,
      description: 'Test commission (released)',
      lines: [
        { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount: -amount },
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: referrerId, currency }, amount },
      ],
    }),
  );
  return invoiceId;
}

/** A refund after payout: takes the referrer's available balance down, below zero if need be. */
export async function clawBack(t: TestApp, referrerId: string, amount: bigint, currency = 'RUB'): Promise<void> {
  const ref = `re_${randomBytes(6).toString('hex')}`;
  await t.db.transaction((m) =>
    t.app.get(LedgerService).post(m, {
      idempotencyKey: `test-refund:${ref}`,
      cause: PostingCause.Refund,
      causeRef: ref,
      description: 'Test refund clawback',
      clawback: true,
      lines: [
        { account: { kind: AccountKind.ReferrerAvailable, ownerId: referrerId, currency }, amount: -amount },
        { account: { kind: AccountKind.PlatformCommissionExpense, ownerId: null, currency }, amount },
      ],
    }),
  );
}

export async function balancesOf(t: TestApp, referrerId: string, currency = 'RUB'): Promise<{ available: bigint; inTransit: bigint; paid: bigint }> {
  const b = await t.app.get(LedgerService).balances(referrerId, currency);
  return { available: b.available, inTransit: b.inTransit, paid: b.paid };
}

export async function assertLedgerOk(t: TestApp): Promise<void> {
  const report = await t.app.get(LedgerService).verify();
  if (!report.ok) throw new Error(`ledger:verify failed: ${report.firstDiscrepancy}`);
}

/** A referrer paid through Stripe Connect whose account Stripe reports ready (via account.updated). */
export async function connectReferrer(t: TestApp, connect: FakeStripeConnect): Promise<RegisteredReferrer & { accountId: string }> {
  const r = await registerReferrer(t);
  const res = await request(t.url).post('/api/payout-details/me/stripe-connect').set('authorization', `Bearer ${r.token}`).expect(201);
  connect.activate(res.body.stripeAccountId);
  await connect.sendAccountUpdated(t.url, res.body.stripeAccountId);
  await t.app.get(StripeInboxService).whenIdle();
  return { ...r, accountId: res.body.stripeAccountId };
}

export const RU_BIC = '044525225';
export const RU_ACCOUNT = withRussianControlKey(RU_BIC, '40817810X00001234567');

/** A referrer paid by bank transfer. */
export async function bankReferrer(t: TestApp, holder = 'Anna Petrova'): Promise<RegisteredReferrer> {
  const r = await registerReferrer(t);
  await request(t.url)
    .put('/api/payout-details/me/bank')
    .set('authorization', `Bearer ${r.token}`)
    .send({ accountHolder: holder, bankIdentifier: RU_BIC, accountNumber: RU_ACCOUNT })
    .expect(200);
  return r;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

