import { parseArgs } from 'node:util';
import { audienceImportCommand } from '../audiences/audience-import.command';
import { Role, STAFF_ROLES } from '../access/role';
import { StaffService } from '../auth/staff.service';
import { LedgerService } from '../ledger/ledger.service';
import { WEBHOOK_COMMANDS } from '../stripe-webhooks/webhooks.commands';
import { CommissionService } from '../commissions/commission.service';
import { CliCommand, UsageError } from '../common/cli-command';
import { demoSeedCommand } from '../demo/demo-seed.command';
import { EXCHANGE_COMMANDS } from '../exchange/exchange.commands';
import { PAYOUT_COMMANDS } from '../payouts/payouts.commands';

export { CliCommand, UsageError };

function staffCreator(defaultRole: Role | undefined): CliCommand['run'] {
  return async (argv, ctx) => {
    const { values } = parseArgs({ args: argv, options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } }, strict: true });
    if (!values.email || !values.password) throw new UsageError('--email and --password are required');
    const role = (values.role ?? defaultRole) as Role | undefined;
    if (!role || !STAFF_ROLES.includes(role)) throw new UsageError(`--role must be one of: ${STAFF_ROLES.join(', ')}`);
    const account = await ctx.app.get(StaffService).create(values.email, values.password, role);
    ctx.out(`created ${account.role} ${account.email} (id ${account.id})`);
    return 0;
  };
}

/** Every CLI command; `npm run cli -- <name> [options]`. Features add theirs here. */
export const COMMANDS: Record<string, CliCommand> = {
  'audience:import': audienceImportCommand,
  'demo:seed': demoSeedCommand,
  ...EXCHANGE_COMMANDS,
  ...PAYOUT_COMMANDS,
  ...WEBHOOK_COMMANDS,
  'admin:create': {
    usage: 'admin:create --email <email> --password <password>',
    summary: 'Create an admin account',
    run: staffCreator(Role.Admin),
  },
  'staff:create': {
    usage: 'staff:create --email <email> --password <password> --role finance|marketer|admin',
    summary: 'Create a staff account with the given role',
    run: staffCreator(undefined),
  },
  'ledger:verify': {
    usage: 'ledger:verify',
    summary: 'Recompute every ledger balance from its entries; exit 1 with the first discrepancy',
    run: async (_argv, ctx) => {
      const r = await ctx.app.get(LedgerService).verify();
      ctx.out(`ledger: postings=${r.postings} entries=${r.entries} accounts=${r.accounts} ok=${r.ok}`);
      if (r.ok) return 0;
      ctx.out(`first discrepancy: ${r.firstDiscrepancy}`);
      return 1;
    },
  },
  'commissions:release': {
    usage: 'commissions:release',
    summary: 'Move commissions whose hold ended from pending to available now (the job does it every minute)',
    run: async (_argv, ctx) => {
      ctx.out(`released=${await ctx.app.get(CommissionService).releaseDue()}`);
      return 0;
    },
  },
};
