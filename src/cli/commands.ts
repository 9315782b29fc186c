import { parseArgs } from 'node:util';
import { Role, STAFF_ROLES } from '../auth/role';
import { StaffService } from '../auth/staff.service';
import { CliContext } from './cli-context';

export class UsageError extends Error {}

export interface CliCommand {
  usage: string;
  summary: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

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
};
