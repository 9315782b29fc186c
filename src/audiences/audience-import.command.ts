import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CliCommand, UsageError } from '../common/cli-command';
import { AudienceImportService } from './audience-import.service';
import { AudienceService } from './audience.service';

/** `audience:import <file> --audience <name>`: streams a CSV into the audience (created if missing). */
export const audienceImportCommand: CliCommand = {
  usage: 'audience:import <file.csv> --audience <name> [--delimiter ";"]',
  summary: 'Import a CSV of buyers into an audience (streamed, with a progress bar and a report)',
  run: async (argv, ctx) => {
    const { values, positionals } = parseArgs({ args: argv, options: { audience: { type: 'string' }, delimiter: { type: 'string' } }, allowPositionals: true, strict: true });
    const file = positionals[0];
    if (!file || !values.audience) {
      throw new UsageError('a file and --audience <name> are required');
    }
    const size = statSync(file).size;
    const audience = await ctx.app.get(AudienceService).ensure(values.audience);
    const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {value}/{total} bytes', hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(size, 0);
    try {
      const report = await ctx.app.get(AudienceImportService).importCsv(audience.id, createReadStream(file), {
        filename: basename(file),
        delimiter: values.delimiter === 'tab' ? '\t' : values.delimiter,
        declaredBytes: size,
        onProgress: (bytes) => bar.update(bytes),
      });
      bar.update(size);
      bar.stop();
      ctx.out(`audience "${audience.name}": rows=${report.rows} imported=${report.imported} updated=${report.updated} rejected=${report.rejected} suppressed=${report.suppressed} (import ${report.importId})`);
      for (const r of report.rejections.slice(0, 20)) ctx.out(`  line ${r.line}: ${r.reason}`);
      if (report.rejected > 20) ctx.out(`  … ${report.rejected - 20} more rejected rows: GET /api/audiences/${audience.id}/imports/${report.importId}`);
      return 0;
    } catch (err) {
      bar.stop();
      throw err;
    }
  },
};
