import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { CommissionService } from '../src/commissions/commission.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { StripeInboxService } from '../src/stripe-webhooks/stripe-inbox.service';
import { FakeStripe } from './support/fake-stripe';
import { billingEnv, deliver, FakeStripeBilling, signUpSupplier, stripeEvent } from './support/fake-stripe-billing';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Random histories of paid / refunded / partially refunded / disputed invoices, delivered with
 * duplicates (same event id and new ids), in random order, partly concurrently, with the hold
 * release job running at a random point. After each history the ledger must verify and the
 * referrer's balances must equal a simple model computed from the final facts alone.
 */

let t: TestApp;
let fake: FakeStripe;
let billing: FakeStripeBilling;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  billing = new FakeStripeBilling(fake);
  t = await startTestApp('commissions-prop', { env: billingEnv(fake, { JOBS_ENABLED: 'false' }) });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

interface InvoicePlan {
  total: number;
  taxPermille: number;
  refundsPermille: number[];
  dispute: 'none' | 'open' | 'won' | 'lost';
}

const invoicePlan = fc.record({
  total: fc.integer({ min: 100, max: 200_000 }),
  taxPermille: fc.constantFrom(0, 0, 167, 200),
  refundsPermille: fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 3 }),
  dispute: fc.constantFrom('none', 'none', 'open', 'won', 'lost'),
});

const scenario = fc.record({
  discountBp: fc.integer({ min: 0, max: 1500 }),
  invoices: fc.array(invoicePlan, { minLength: 1, maxLength: 3 }),
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

const halfUp = (num: bigint, den: bigint) => (num * 2n + den) / (den * 2n);

/** The commission of one invoice, from its final facts only. */
function expected(plan: InvoicePlan, refunded: number, disputeAmount: number, bp: number, released: boolean) {
  const total = BigInt(plan.total);
  const excl = total - BigInt(Math.floor((plan.total * plan.taxPermille) / 1000));
  const lost = plan.dispute === 'lost' ? BigInt(disputeAmount) : 0n;
  let net = total - BigInt(refunded) - lost;
  if (net < 0n) net = 0n;
  const base = halfUp(net * excl, total);
  const commission = halfUp(base * BigInt(bp), 10_000n);
  let disputed = 0n;
  if (plan.dispute === 'open') {
    const gross = net < BigInt(disputeAmount) ? net : BigInt(disputeAmount);
    const d = halfUp(halfUp(gross * excl, total) * BigInt(bp), 10_000n);
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
  it('random paid/refunded/disputed/duplicated/reordered histories end as the model says, ledger verified', async () => {
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
        const facts = sc.invoices.map((plan, i) => {
          const tax = Math.floor((plan.total * plan.taxPermille) / 1000);
          const paid = billing.paidInvoice(s.customerId!, { total: plan.total, tax });
          events.push({ event: stripeEvent('invoice.paid', paid.invoice), paidOf: i });
          events.push({ event: stripeEvent('invoice.payment_succeeded', paid.invoice) });
          let refunded = 0;
          for (const permille of plan.refundsPermille) {
            const amount = Math.floor(((plan.total - refunded) * permille) / 1000);
            if (amount <= 0) continue;
            refunded += amount;
            const { refund, charge } = billing.refund(paid, amount);
            events.push({ event: stripeEvent('refund.created', refund) }, { event: stripeEvent('charge.refunded', charge) });
          }
          const disputeAmount = plan.total - refunded;
          if (plan.dispute !== 'none' && disputeAmount > 0) {
            const id = fake.id('dp');
            events.push({ event: stripeEvent('charge.dispute.created', billing.dispute(paid, disputeAmount, 'needs_response', id)) });
            events.push({ event: stripeEvent('charge.dispute.updated', billing.dispute(paid, disputeAmount, 'under_review', id)) });
            if (plan.dispute !== 'open') events.push({ event: stripeEvent('charge.dispute.closed', billing.dispute(paid, disputeAmount, plan.dispute, id)) });
          }
          return { plan: plan.dispute !== 'none' && disputeAmount <= 0 ? { ...plan, dispute: 'none' as const } : plan, refunded, disputeAmount };
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
        facts.forEach((f, i) => {
          const e = expected(f.plan, f.refunded, f.disputeAmount, bp, released && paidBeforeRelease.has(i));
          want.pending += e.pending;
          want.available += e.available;
          want.disputed += e.disputed;
        });
        const got = await ledger.balances(r.id, 'RUB');
        assert.deepEqual({ pending: got.pending, available: got.available, disputed: got.disputed }, want);
        const report = await ledger.verify();
        assert.equal(report.ok, true, report.firstDiscrepancy);
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });
});
