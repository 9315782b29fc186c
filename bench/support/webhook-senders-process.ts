/**
 * The webhooks benchmark's senders in their own process (started with fork()), so the app's process
 * is what is measured: Stripe's side of the work (signing, HTTP client, timing) no longer competes
 * with the app for its event loop. Protocol over IPC:
 *   parent → { type: 'prepare', url, secret, total, senders, suppliers, warmup, now }
 *   child  → { type: 'ready' }                      (every body signed, before the clock starts)
 *   parent → { type: 'warm' }                       (the warm-up events, not measured)
 *   child  → { type: 'warmed' }
 *   parent → { type: 'go' }
 *   child  → { type: 'done', sentMs, errors, p50, p90, p99, max, cpuMs }
 */
import Stripe from 'stripe';
import { Pool } from 'undici';
import { percentile, progress } from './bench-env';

interface Prepare {
  type: 'prepare';
  url: string;
  secret: string;
  total: number;
  senders: number;
  suppliers: number;
  /** Warm-up events, for the customers after the measured ones (cus_bench_<suppliers + 1>…). */
  warmup: number;
  now: number;
}

type Body = { payload: string; header: string };
let bodies: Body[] = [];
let warmBodies: Body[] = [];
let job: Prepare;

/** Signed invoice.paid events for the seeded customers (cus_bench_1..suppliers), pinned API version shapes. */
function prepare(p: Prepare): void {
  job = p;
  bodies = Array.from({ length: p.total }, (_, i) => signed(p, `${i}`, (i % p.suppliers) + 1, Math.floor(i / p.suppliers), i));
  warmBodies = Array.from({ length: p.warmup }, (_, i) => signed(p, `warm_${i}`, p.suppliers + i + 1, 0, i));
}

/** Invoice `in_bench_<key>` of customer n, paid `round` × 20 days after the first round (60 days ago). */
function signed(p: Prepare, key: string, n: number, round: number, i: number): Body {
  const now = p.now;
  const amount = 10_000 + (i % 977) * 13;
  const invoice = {
    id: `in_bench_${key}`,
    object: 'invoice',
    customer: `cus_bench_${n}`,
    currency: 'rub',
    status: 'paid',
    amount_due: amount,
    amount_paid: amount,
    amount_remaining: 0,
    total: amount,
    subtotal: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: `sub_bench_${n}`, metadata: {} } },
    status_transitions: { paid_at: now - 86_400 * (60 - round * 20), finalized_at: now - 86_400 * 61 },
    hosted_invoice_url: null,
    number: `B-${key}`,
    created: now - 86_400 * 61,
    livemode: false,
  };
  const event = { id: `evt_bench_${key}`, object: 'event', api_version: '2026-10-28.endive', created: now, type: 'invoice.paid', data: { object: invoice }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } };
  const payload = JSON.stringify(event);
  return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: p.secret, timestamp: now }) };
}

async function go(list: Body[], measured: boolean): Promise<void> {
  // undici's Pool: one keep-alive connection per sender. It is Stripe's side of the work, and uses
  // about half the CPU per request of node:http's client (which shares the machine's 2 cores with the app).
  const pool = new Pool(new URL(job.url).origin, { connections: job.senders, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const send = async (b: { payload: string; header: string }): Promise<number> => {
    const res = await pool.request({ path: '/api/stripe/webhooks', method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': b.header }, body: b.payload });
    await res.body.dump();
    return res.statusCode;
  };
  await Promise.all(
    Array.from({ length: job.senders }, async () => {
      for (;;) {
        const i = next++;
        if (i >= list.length) return;
        const t = performance.now();
        const status = await send(list[i]);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
        if (measured) progress('sent', latencies.length, list.length);
      }
    }),
  );
  const sentMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  await pool.close();
  if (!measured) {
    process.send!({ type: 'warmed', errors });
    return;
  }
  process.send!({
    type: 'done',
    sentMs,
    errors,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}

// The benchmark ended (or failed) without 'stop': do not outlive it.
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'prepare') {
    prepare(msg as unknown as Prepare);
    process.send!({ type: 'ready' });
  }
  if (msg.type === 'warm') void go(warmBodies, false).catch((err) => process.send!({ type: 'error', message: String(err?.stack ?? err) }));
  if (msg.type === 'go') void go(bodies, true).catch((err) => process.send!({ type: 'error', message: String(err?.stack ?? err) }));
  if (msg.type === 'stop') process.exit(0);
});
