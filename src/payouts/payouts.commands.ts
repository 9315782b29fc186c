import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { Role } from '../access/role';
import { CliCommand, CliContext, UsageError } from '../common/cli-command';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { formatMoney } from '../money/money-format';
import { PayoutExecutor } from './payout-executor.service';
import { PayoutsService } from './payouts.service';

/** The finance user a command acts as (the audit log names them). */
async function actor(ctx: CliContext, email: string | undefined, roles: Role[]): Promise<AuthUser> {
  if (!email) throw new UsageError('--as <email of a finance user> is required: the audit log records who acted');
  const [user] = await ctx.app.get(DataSource).query(`SELECT id, email, role FROM users WHERE email = lower($1)`, [email]);
  if (!user || !roles.includes(user.role)) throw new Error(`${email} is not a ${roles.join(' or ')} user`);
  return user as AuthUser;
}

export const PAYOUT_COMMANDS: Record<string, CliCommand> = {
  'payouts:preview': {
    usage: 'payouts:preview --as <finance email> [--currency RUB]',
    summary: 'Who a payout batch would pay now, and who is left out and why',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { as: { type: 'string' }, currency: { type: 'string' } }, strict: true });
      const p = await ctx.app.get(PayoutsService).preview(values.currency, await actor(ctx, values.as, [Role.Finance, Role.Admin]), 0);
      // key=value for scripts (minor units), then the same figures for people.
      const human = `minimum ${formatMoney('en', p.minimum, p.currency)}; ${p.eligibleCount} referrer${p.eligibleCount === 1 ? '' : 's'} would be paid ${formatMoney('en', p.eligibleTotal, p.currency)}`;
      ctx.out(`currency=${p.currency} minimum=${p.minimum} eligible=${p.eligibleCount} total=${p.eligibleTotal} excluded=${JSON.stringify(p.excludedByReason)} | ${human}`);
      return 0;
    },
  },
  'payouts:execute': {
    usage: 'payouts:execute --as <finance email> --batch <id>',
    summary: 'Execute or resume an approved payout batch (safe to repeat: nothing is paid twice)',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { as: { type: 'string' }, batch: { type: 'string' } }, strict: true });
      if (!values.batch) throw new UsageError('--batch <id> is required');
      const r = await ctx.app.get(PayoutExecutor).execute(values.batch, await actor(ctx, values.as, [Role.Finance]));
      ctx.out(`batch=${r.batch.id} status=${r.batch.status} transferred=${r.transferred} failed=${r.failed} unresolved=${r.unresolved} bank_pending=${r.bankPending}`);
      return r.unresolved === 0 ? 0 : 1;
    },
  },
  'finance:reconcile': {
    usage: 'finance:reconcile --as <finance email> --from <ISO date> --to <ISO date>',
    summary: 'Compare the ledger and payouts with Stripe for a period; exits 1 when there are differences',
    run: async (argv, ctx) => {
      const { values } = parseArgs({ args: argv, options: { as: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, strict: true });
      const from = new Date(values.from ?? '');
      const to = new Date(values.to ?? '');
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new UsageError('--from and --to must be ISO dates');
      const r = await ctx.app.get(ReconciliationService).run(from, to, await actor(ctx, values.as, [Role.Finance, Role.Admin]));
      ctx.out(`invoices_paid=${r.stripePaidInvoices} commissions=${r.ledgerCommissions} transfers=${r.stripeTransfers} payouts=${r.recordedPayouts} differences=${r.differences.length}`);
      for (const d of r.differences) ctx.out(`${d.kind} ${d.ref}: ${d.detail}`);
      return r.differences.length === 0 ? 0 : 1;
    },
  },
};
