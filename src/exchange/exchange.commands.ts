import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CliCommand, UsageError } from '../common/cli-command';
import { LeadService } from './leads/lead.service';
import { DEFAULT_NURTURE_AUDIENCE, NurtureService } from './nurture/nurture.service';
import { RoutingService } from './routing/routing.service';

/** The lead exchange's CLI commands (`npm run cli -- exchange:<name>`). */
export const EXCHANGE_COMMANDS: Record<string, CliCommand> = {
  'exchange:route': {
    usage: 'exchange:route [--batch 1000]',
    summary: 'Lapse unanswered offers, then route every pending sales-ready lead now',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { batch: { type: 'string' } }, strict: true });
      const batch = Number(values.batch ?? 1000);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10000) throw new UsageError('--batch must be an integer 1–10000');
      const routing = ctx.app.get(RoutingService);
      const lapsed = await routing.expireOffers();
      const n = await routing.pendingCount();
      const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'routing [{bar}] {value}/{total}' }, cliProgress.Presets.shades_classic);
      bar.start(n, 0);
      let done = 0;
      const r = await routing.routePending(batch, (b) => bar.update((done += b.routed + b.withOperator)));
      bar.stop();
      ctx.out(`expired=${lapsed.expired} routed=${r.routed + lapsed.routed} with_operator=${r.withOperator + lapsed.withOperator}`);
      return 0;
    },
  },
  'exchange:import': {
    usage: 'exchange:import <leads.csv>',
    summary: 'Import leads as the operator from CSV (validated whole first; duplicates flagged and skipped)',
    run: async (argv, ctx) => {
      const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
      if (!positionals[0]) throw new UsageError('a CSV file is required');
      const r = await ctx.app.get(LeadService).importCsv(readFileSync(positionals[0], 'utf8'), { userId: null, memberId: null });
      ctx.out(`created=${r.created} duplicates=${r.duplicates}`);
      return 0;
    },
  },
  'exchange:nurture': {
    usage: `exchange:nurture [--audience "${DEFAULT_NURTURE_AUDIENCE}"]`,
    summary: 'Hand every nurture lead not handed yet to the campaign tools (adds contacts to an audience)',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { audience: { type: 'string' } }, strict: true });
      const r = await ctx.app.get(NurtureService).hand(null, values.audience ?? DEFAULT_NURTURE_AUDIENCE);
      ctx.out(`audience="${r.audienceName}" handed=${r.handed} refused=${r.refused}`);
      return 0;
    },
  },
};
