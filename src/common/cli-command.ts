import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../config/config';

/** Wrong arguments: the CLI prints the message and the command's usage, and exits 64. */
export class UsageError extends Error {}

/** What a command gets: the booted services (no HTTP), the configuration and a line printer. */
export interface CliContext {
  app: INestApplicationContext;
  config: AppConfig;
  out: (line: string) => void;
}

/**
 * One `npm run cli -- <name>` command. Features define theirs beside their code against this
 * contract; src/cli/commands.ts lists them (so the CLI depends on the features, not the reverse).
 */
export interface CliCommand {
  usage: string;
  summary: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}
