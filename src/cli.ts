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
    process.stderr.write(`unknown command "${name}"\n\n${help()}`);
    return 64;
  }
  const config = configOrExit();
  try {
    return await withCliContext(config, (ctx) => command.run(argv, ctx));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
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

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`handshake cli: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
