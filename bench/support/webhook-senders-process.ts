/**
 * The webhooks benchmark's senders in their own process (started with fork()), so the app's process
 * is what is measured: Stripe's side of the work (signing, HTTP client, timing) no longer competes
 * with the app for its event loop. Protocol over IPC:
 *   parent → { type: 'prepare', url, secret, total, senders, suppliers, now }
 *   child  → { type: 'ready' }                      (every body signed, before the clock starts)
 *   parent → { type: 'go' }
 *   child  → { type: 'done', sentMs, errors, p50, p90, p99, max, cpuMs }
 */
import { Agent, request as httpRequest } from 'node:http';
import Stripe from 'stripe';
import { percentile, progress } from './bench-env';

interface Prepare {
  type: 'prepare';
  url: string;
  secret: string;
  total: number;
  senders: number;
  suppliers: number;
  now: number;
}

let bodies: { payload: string; header: string }[] = [];
let job: Prepare;

/** Signed invoice.paid events for the seeded customers (cus_bench_1..suppliers), pinned API version shapes. */
function prepare(p: Prepare): void {
  job = p;
  const now = p.now;
  bodies = [];
  for (let i = 0; i < p.total; i++) {
    const n = (i % p.suppliers) + 1;
    const round = Math.floor(i / p.suppliers);
    const amount = 10_000 + (i % 977) * 13;
    const invoice = {
      id: `in_bench_${i}`,
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
      number: `B-${i}`,
      created: now - 86_400 * 61,
      livemode: false,
    };
    const event = { id: `evt_bench_${i}`, object: 'event', api_version: '2026-10-28.endive', created: now, type: 'invoice.paid', data: { object: invoice }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } };
    const payload = JSON.stringify(event);
    bodies.push({ payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: p.secret, timestamp: now }) });
  }
}

async function go(): Promise<void> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.senders });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const send = (b: { payload: string; header: string }) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: '/api/stripe/webhooks', method: 'POST', agent, headers: { 'content-type': 'application/json', 'stripe-signature': b.header, 'content-length': Buffer.byteLength(b.payload) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(b.payload);
    });
  await Promise.all(
    Array.from({ length: job.senders }, async () => {
      for (;;) {
        const i = next++;
        if (i >= job.total) return;
        const t = performance.now();
        const status = await send(bodies[i]);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
        progress('sent', latencies.length, job.total);
      }
    }),
  );
  const sentMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  agent.destroy();
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
  if (msg.type === 'go') void go().catch((err) => process.send!({ type: 'error', message: String(err?.stack ?? err) }));
  if (msg.type === 'stop') process.exit(0);
});
