import { AddressInfo } from 'node:net';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from '../app.factory';
import { CliCommand } from '../common/cli-command';
import { databaseHoldsData, DemoSeed } from './demo-seed';
import { DemoStripe } from './demo-stripe';

/**
 * `demo:seed`: a believable program on an empty database. It starts the app a second time inside
 * this process (same database, mail kept in the outbox whatever SMTP says, Stripe played by the
 * demo), drives it through its API and webhook endpoint, and prints the staff accounts to log in with.
 */
export const demoSeedCommand: CliCommand = {
  usage: 'demo:seed',
  summary: 'Fill an EMPTY database with a demo program (staff, referrers, a year of invoices, payouts, a campaign, an exchange)',
  run: async (_argv, ctx) => {
    const db = ctx.app.get(DataSource);
    const holds = await databaseHoldsData(db);
    if (holds) {
      ctx.out(`demo:seed refused: the database already holds data (table ${holds} is not empty). Run it on a new DATA_DIR or an empty DATABASE_URL.`);
      return 1;
    }
    const url = (db.options as { url?: string }).url;
    if (!url) throw new Error('the database URL is unknown');
    const stripe = await new DemoStripe().start();
    const config = {
      ...ctx.config,
      port: 0,
      jobsEnabled: true,
      trustProxy: ['loopback'],
      promoCheckLimitPerMinute: 100_000,
      stripe: { ...ctx.config.stripe, secretKey: 'sk_test_demo', webhookSecret: stripe.webhookSecret, priceId: undefined, apiBase: new URL(stripe.apiBase) },
      mail: { ...ctx.config.mail, smtpUrl: undefined, ratePerSecond: 1000 },
    };
    const app = await createApp(config, url, pino({ level: 'silent' }));
    try {
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const started = Date.now();
      const report = await new DemoSeed(app, base, stripe, (line) => ctx.out(`  ${line}`)).run();
      ctx.out('');
      ctx.out(`demo program ready in ${Math.round((Date.now() - started) / 1000)} s: ${report.referrers} referrers, ${report.suppliers} suppliers, ${report.invoices} paid invoices, ${report.refunds} refunds, ${report.disputes} disputes; ledger ok=${report.ledger.ok}`);
      ctx.out('log in at /login with:');
      for (const s of report.staff) ctx.out(`  ${s.role.padEnd(9)} ${s.email.padEnd(34)} ${s.password}`);
      return report.ledger.ok ? 0 : 1;
    } finally {
      await app.close();
      await stripe.stop();
    }
  },
};
