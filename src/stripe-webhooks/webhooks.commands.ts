import { parseArgs } from 'node:util';
import { CliCommand } from '../common/cli-command';
import { StripeInboxService } from './stripe-inbox.service';

/** The Stripe inbox's CLI commands (`npm run cli -- webhooks:<name>`). */
export const WEBHOOK_COMMANDS: Record<string, CliCommand> = {
  'webhooks:retry': {
    usage: 'webhooks:retry [--all] [--dead-letters]',
    summary: 'Process stored Stripe events that failed or were left unprocessed (--all: ignore retry times; --dead-letters: dead letters too); exits 0 when it ran',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { all: { type: 'boolean' }, 'dead-letters': { type: 'boolean' } }, strict: true });
      const r = await ctx.app.get(StripeInboxService).retryDue(10_000, values.all ?? false, values['dead-letters'] ?? false);
      ctx.out(`stripe events: retried=${r.tried} succeeded=${r.processed} still_failing=${r.failed} dead_lettered=${r.deadLettered} dead_letters_waiting=${r.deadLettersWaiting}`);
      // Events that keep failing are the inbox's business (backoff, then dead letters an admin sees):
      // the command itself ran, so it succeeded. Only a command that could not run exits non-zero.
      return 0;
    },
  },
};
