import 'reflect-metadata';
import './database/bigint';
import { configOrExit } from './boot';
import { withCliContext } from './cli/cli-context';
import { COMMANDS, UsageError } from './cli/commands';
import { DomainException } from './common/errors/domain.exception';

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(72)} ${c.summary}`);
  return `usage: npm run cli -- <command> [options]\n\n${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  if (!name || name === 'help' || name === '--help') {
    process.stdout.write(help());
    return name ? 0 : 64;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"; \`npm run cli -- help\` lists the commands\n`);
    return 64;
  }
  const config = configOrExit();
  showStacks = config.logLevel === 'debug' || config.logLevel === 'trace';
  try {
    return await withCliContext(config, (ctx) => command.run(argv, ctx));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\nusage: npm run cli -- ${command.usage}\n`);
      return 64;
    }
    if (err instanceof DomainException) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** LOG_LEVEL=debug (or trace) prints the stack of an unexpected error; otherwise one line. */
let showStacks = false;

/** One line for a person: what went wrong, without the stack. */
function errorLine(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && FILE_ERRORS[e.code] && e.path) return `${e.path}: ${FILE_ERRORS[e.code]}`;
  if (e?.code === 'ECONNREFUSED') return `cannot reach the database (${e.message}); is PostgreSQL running, is DATABASE_URL right?`;
  const message = e instanceof Error ? e.message : String(err);
  return message.split('\n')[0] || 'unexpected error';
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`handshake cli: ${showStacks ? ((err as Error)?.stack ?? String(err)) : errorLine(err)}\n`);
    process.exit(1);
  },
);
