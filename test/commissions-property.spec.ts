import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CommissionService } from '../src/commissions/commission.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { auth, FakeStripeConnect, StaffUser, staffUser } from './support/fake-stripe-connect';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Random histories of paid / refunded (refunds that succeed, stay pending, or fail after being
 * reported pending) / disputed invoices paid months apart, delivered with duplicates (same event id
 * and new ids), in random order (so a later payment is often processed before the first one), partly
 * concurrently, with the hold release job running at a random point. After each history the ledger
 * must verify and the referrer's balances must equal a model computed from the final facts alone.
 *
 * The model is written from PRODUCT.md's money rules, not from the implementation (it imports none
 * of src/commissions): commission = c bp of the amount actually paid (less the refunds that stand
 * and lost disputes), tax excluded, rounded half-up ONCE; only for the months counted from the
 * supplier's first paid invoice.
 */

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;
let finance: StaffUser;
const DAY = 86_400;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  new FakeStripeConnect(fake); // its invoice list filters by status and created, as reconciliation asks
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('commissions-prop', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
  finance = await staffUser(t, Role.Finance);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

type RefundKind = 'succeeded' | 'pending' | 'pending_then_succeeded' | 'pending_then_failed';

interface InvoicePlan {
  total: number;
  taxPermille: number;
  /** Days after the supplier's earliest payment this invoice is paid. */
  paidAfterDays: number;
  refunds: { permille: number; kind: RefundKind }[];
  dispute: 'none' | 'open' | 'won' | 'lost';
}

const invoicePlan = fc.record({
  total: fc.integer({ min: 100, max: 200_000 }),
  taxPermille: fc.constantFrom(0, 0, 167, 200),
  paidAfterDays: fc.constantFrom(0, 20, 95, 200, 340, 364, 366, 380, 500),
  refunds: fc.array(
    fc.record({ permille: fc.integer({ min: 1, max: 600 }), kind: fc.constantFrom<RefundKind>('succeeded', 'succeeded', 'pending', 'pending_then_succeeded', 'pending_then_failed') }),
    { maxLength: 3 },
  ),
  dispute: fc.constantFrom('none', 'none', 'open', 'won', 'lost'),
});

const scenario = fc.record({
  discountBp: fc.integer({ min: 0, max: 1500 }),
  invoices: fc.array(invoicePlan, { minLength: 1, maxLength: 4 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  duplicates: fc.integer({ min: 0, max: 6 }),
  chunk: fc.integer({ min: 1, max: 4 }),
  releaseAfterChunk: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
});

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- the model: PRODUCT.md's rules, bigint arithmetic, its own rounding --------------------------

/** n / d rounded half-up (n, d ≥ 0): floor(n / d), plus one when the remainder is at least half of d. */
function roundHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

/** c bp of `paid`, an amount paid with tax, tax excluded in proportion excl / total: one rounding. */
function modelCommission(paid: bigint, total: bigint, excl: bigint, bp: number): bigint {
  if (paid <= 0n) return 0n;
  return roundHalfUp(paid * excl * BigInt(bp), total * 10_000n);
}

/** The program's 12 commission months from the first paid invoice, by calendar month (UTC). */
function inWindow(paidAt: number, firstPaidAt: number): boolean {
  const f = new Date(firstPaidAt * 1000);
  const end = Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 12, f.getUTCDate(), f.getUTCHours(), f.getUTCMinutes(), f.getUTCSeconds());
  return paidAt * 1000 < end;
}

interface FinalFacts {
  plan: InvoicePlan;
  paidAt: number;
  /** Refunds that stand at the end: succeeded or still pending. */
  standingRefunds: number;
  disputeAmount: number;
}

/** One invoice's commission from its final facts only: where it sits (pending/available/disputed). */
function expected(f: FinalFacts, firstPaidAt: number, bp: number, released: boolean) {
  if (!inWindow(f.paidAt, firstPaidAt)) return { pending: 0n, available: 0n, disputed: 0n };
  const total = BigInt(f.plan.total);
  const excl = total - BigInt(Math.floor((f.plan.total * f.plan.taxPermille) / 1000));
  const lost = f.plan.dispute === 'lost' ? BigInt(f.disputeAmount) : 0n;
  let net = total - BigInt(f.standingRefunds) - lost;
  if (net < 0n) net = 0n;
  const commission = modelCommission(net, total, excl, bp);
  let disputed = 0n;
  if (f.plan.dispute === 'open') {
    const d = modelCommission(net < BigInt(f.disputeAmount) ? net : BigInt(f.disputeAmount), total, excl, bp);
    disputed = d < commission ? d : commission;
  }
  const rest = commission - disputed;
  return released ? { pending: 0n, available: rest, disputed } : { pending: rest, available: 0n, disputed };
}

/** Concurrent processing may deadlock or fail transiently: the retry job converges. */
async function converge(): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const open = await t.db.query(`SELECT count(*) AS n FROM stripe_webhook_events WHERE status IN ('received','failed')`);
    if (Number(open[0].n) === 0) return;
    await t.app.get(StripeInboxService).retryDue(1000, true);
  }
}

describe('commission property', () => {
  it('random paid/refunded/failed-refund/disputed/duplicated/reordered histories, first payments out of order, end as the model says, ledger verified', async () => {
    const inbox = t.app.get(StripeInboxService);
    const ledger = t.app.get(LedgerService);
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const random = rng(sc.seed);
        const r = await registerReferrer(t);
        await request(t.url).put('/api/referrers/me/split').set('authorization', `Bearer ${r.token}`).send({ discountBp: sc.discountBp }).expect(200);
        const bp = 2000 - sc.discountBp;
        const s = await signUpSupplier(t.url, { promoCode: r.code });

        type Ev = { event: ReturnType<typeof stripeEvent>; paidOf?: number };
        const events: Ev[] = [];
        // Paid months apart; the shuffle below often delivers a later payment before the first one.
        const base = Math.floor(Date.now() / 1000) - 600 * DAY;
        const facts: FinalFacts[] = sc.invoices.map((plan, i) => {
          const tax = Math.floor((plan.total * plan.taxPermille) / 1000);
          const paidAt = base + plan.paidAfterDays * DAY + i;
          const paid = billing.paidInvoice(s.customerId!, { total: plan.total, tax, paidAt });
          events.push({ event: stripeEvent('invoice.paid', paid.invoice), paidOf: i });
          events.push({ event: stripeEvent('invoice.payment_succeeded', paid.invoice) });
          let created = 0;
          let standing = 0;
          for (const { permille, kind } of plan.refunds) {
            const amount = Math.floor(((plan.total - created) * permille) / 1000);
            if (amount <= 0) continue;
            created += amount;
            const { refund, charge } = billing.refund(paid, amount, kind === 'succeeded' ? 'succeeded' : 'pending');
            events.push({ event: stripeEvent('refund.created', refund) }, { event: stripeEvent('charge.refunded', charge) });
            if (kind === 'pending_then_succeeded') events.push({ event: stripeEvent('refund.updated', { ...refund, status: 'succeeded' }) });
            if (kind === 'pending_then_failed') events.push({ event: stripeEvent('refund.failed', billing.failRefund(paid, refund).refund) });
            else standing += amount;
          }
          const disputeAmount = plan.total - standing;
          if (plan.dispute !== 'none' && disputeAmount > 0) {
            const id = fake.id('dp');
            events.push({ event: stripeEvent('charge.dispute.created', billing.dispute(paid, disputeAmount, 'needs_response', id)) });
            events.push({ event: stripeEvent('charge.dispute.updated', billing.dispute(paid, disputeAmount, 'under_review', id)) });
            if (plan.dispute !== 'open') events.push({ event: stripeEvent('charge.dispute.closed', billing.dispute(paid, disputeAmount, plan.dispute, id)) });
          }
          return { plan: plan.dispute !== 'none' && disputeAmount <= 0 ? { ...plan, dispute: 'none' as const } : plan, paidAt, standingRefunds: standing, disputeAmount };
        });
        // Duplicates: the same event id again, or the same object under a new event id.
        for (let k = 0; k < sc.duplicates; k++) {
          const original = events[Math.floor(random() * events.length)];
          const event = random() < 0.5 ? original.event : stripeEvent(original.event.type, original.event.data.object as unknown as Record<string, any>);
          events.push({ event, paidOf: original.paidOf });
        }
        for (let i = events.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [events[i], events[j]] = [events[j], events[i]];
        }

        const paidBeforeRelease = new Set<number>();
        let released = false;
        const future = new Date(Date.now() + 400 * 86_400_000);
        for (let c = 0, start = 0; start < events.length; c++, start += sc.chunk) {
          const chunk = events.slice(start, start + sc.chunk);
          const acks = await Promise.all(chunk.map((e) => deliver(t.url, e.event)));
          assert.ok(acks.every((a) => a.status === 200));
          await inbox.whenIdle();
          if (!released) for (const e of chunk) if (e.paidOf !== undefined) paidBeforeRelease.add(e.paidOf);
          if (sc.releaseAfterChunk === c) {
            await converge();
            await t.app.get(CommissionService).releaseDue(future);
            released = true;
          }
        }
        await converge();
        const stuck = await t.db.query(`SELECT id, type, last_error FROM stripe_webhook_events WHERE status IN ('received','failed')`);
        assert.deepEqual(stuck, []);

        const want = { pending: 0n, available: 0n, disputed: 0n };
        const firstPaidAt = Math.min(...facts.map((f) => f.paidAt));
        facts.forEach((f, i) => {
          const e = expected(f, firstPaidAt, bp, released && paidBeforeRelease.has(i));
          want.pending += e.pending;
          want.available += e.available;
          want.disputed += e.disputed;
        });
        const got = await ledger.balances(r.id, 'RUB');
        assert.deepEqual({ pending: got.pending, available: got.available, disputed: got.disputed }, want);
        const report = await ledger.verify();
        assert.equal(report.ok, true, report.firstDiscrepancy);
        // Reconciliation, by the same rules, agrees with the ledger on every invoice so far.
        const from = new Date(Date.now() - 700 * DAY * 1000).toISOString();
        const to = new Date(Date.now() + 3600_000).toISOString();
        const rec = await request(t.url).get(`/api/reconciliation?from=${from}&to=${to}`).set(auth(finance.token)).expect(200);
        assert.deepEqual(rec.body.differences, []);
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });
});
