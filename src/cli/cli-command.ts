import { CliContext } from './cli-context';

/** Wrong arguments: the CLI prints the message and the command's usage, and exits 64. */
export class UsageError extends Error {}

/** One `npm run cli -- <name>` command. Features define theirs beside their code. */
export interface CliCommand {
  usage: string;
  summary: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}
