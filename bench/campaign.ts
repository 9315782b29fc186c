/**
 * npm run bench -- campaign [recipients]
 * Sends a campaign to 100,000 recipients through the real sender (claim with SKIP LOCKED, render,
 * SMTP, record) to an SMTP sink in another process, and compares with a bare nodemailer loop to
 * the same sink in the same run.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import nodemailer, { TransportOptions } from 'nodemailer';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { CampaignService } from '../src/campaigns/campaign.service';
import { memoryPhases, peakRssMb, progress, startBenchEnv } from './support/bench-env';

const RECIPIENTS = Number(process.argv[2] ?? 100_000);
const RAW = Math.min(RECIPIENTS, 20_000);

function ask(sink: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    sink.once('message', (m: { count: number }) => resolve(m.count));
    sink.send({ type: 'count' });
  });
}

async function main(): Promise<void> {
  const sink = fork(join(__dirname, 'support', 'smtp-sink-process.js'));
  const port: number = await new Promise((resolve) => sink.once('message', (m: { port: number }) => resolve(m.port)));
  const smtpUrl = `smtp://127.0.0.1:${port}`;
  const env = await startBenchEnv('campaign', { JOBS_ENABLED: 'false', SMTP_URL: smtpUrl, MAIL_RATE_PER_SECOND: '100000' });
  const mem = memoryPhases();
  try {
    mem.phase('start');
    const [a] = await env.db.query(`INSERT INTO audiences (name) VALUES ('bench') RETURNING id`);
    await env.db.query(
      `INSERT INTO contacts (audience_id, email, name, company, attributes)
       SELECT $1, 'buyer' || g || '@bench.example', 'Buyer ' || g, 'Company ' || (g % 1000), jsonb_build_object('segment', g % 7) FROM generate_series(1, $2) g`,
      [a.id, RECIPIENTS],
    );
    const campaigns = env.app.get(CampaignService);
    const body = `<h1>Hello {{firstName}},</h1><p>People at {{company}} trust you. <a href="https://handshake.example/about">Read more</a>.</p>{{> button url=registrationLink label="Become a referrer"}}{{> signature}}`;
    const c = await campaigns.create({ name: 'bench', audienceId: a.id, subject: '{{firstName}}, earn with your suppliers', body });
    const sample = await campaigns.preview(c.id);
    mem.phase('seed');

    // Bare nodemailer loop: same pool size and concurrency as the sender, same message. Run half
    // before and half after the campaign, so drifting load on a shared machine hits both alike.
    const sender = env.app.get(CampaignSender);
    const rawLoop = async (count: number, offset: number): Promise<number> => {
      const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5, maxMessages: Infinity } as TransportOptions);
      const rawStart = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: sender.concurrency }, async () => {
          for (let i = next++; i < count; i = next++) {
            await transport.sendMail({ from: 'bench@handshake.example', to: `raw${offset + i}@bench.example`, subject: sample.subject, html: sample.html, text: sample.text });
            if (i % 2000 === 0) progress('raw nodemailer', i, count);
          }
        }),
      );
      transport.close();
      return (performance.now() - rawStart) / 1000;
    };
    const rawSeconds1 = await rawLoop(RAW / 2, 0);
    const before = await ask(sink);
    mem.phase('raw1');

    const start = performance.now();
    await campaigns.schedule(c.id);
    sender.start();
    for (;;) {
      const view = await campaigns.get(c.id);
      progress('campaign', view.progress.sent, RECIPIENTS);
      if (view.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (performance.now() - start) / 1000;
    const delivered = (await ask(sink)) - before;
    mem.phase('campaign');
    const rawSeconds2 = await rawLoop(RAW / 2, RAW);
    mem.phase('raw2');
    mem.stop();
    const rawPerS = RAW / (rawSeconds1 + rawSeconds2);
    if (delivered < RECIPIENTS) throw new Error(`sink received ${delivered} of ${RECIPIENTS}`);
    const perS = RECIPIENTS / seconds;
    process.stdout.write(`sink_received=${delivered} duplicates=${delivered - RECIPIENTS} seconds=${seconds.toFixed(1)} loops=${sender.loopCount} batch=${sender.batchSize}\n`);
    process.stdout.write(`peak by phase (MB): ${mem.summary()}\n`);
    process.stdout.write(`rss_mb=${peakRssMb()}\n`);
    process.stdout.write(`recipients=${RECIPIENTS} msgs_per_s=${Math.round(perS)} raw_msgs_per_s=${Math.round(rawPerS)} ratio=${(perS / rawPerS).toFixed(2)}\n`);
  } finally {
    await env.close();
    sink.send({ type: 'stop' });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
