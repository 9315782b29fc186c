import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JobsService } from '../jobs/jobs.service';
import { metricsRegistry } from '../observability/metrics';
import { LedgerService } from './ledger.service';
import { VerifyReport } from './ledger.types';

export const LEDGER_VERIFY_JOB = 'ledger.verify';

// Module-level: one set of gauges per process, however many app instances it runs (tests run two).
const verifyOk = new Gauge({ name: 'ledger_verify_ok', help: '1 when the last ledger verification found no discrepancy, 0 otherwise', registers: [metricsRegistry] });
const verifyAt = new Gauge({ name: 'ledger_verify_last_run_timestamp_seconds', help: 'When the ledger was last verified (Unix seconds)', registers: [metricsRegistry] });

/**
 * Continuous reconciliation: the whole ledger is re-verified every night (one instance at a time),
 * a discrepancy is logged as an error and exposed as `ledger_verify_ok 0` for alerting.
 */
@Injectable()
export class LedgerVerifyJob implements OnModuleInit {
  private readonly logger = new Logger('Ledger');

  constructor(
    private readonly jobs: JobsService,
    private readonly ledger: LedgerService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: LEDGER_VERIFY_JOB, cron: '17 3 * * *', policy: 'singleton', retryLimit: 1, handler: async () => void (await this.run()) });
  }

  async run(): Promise<VerifyReport> {
    const report = await this.ledger.verify();
    verifyOk.set(report.ok ? 1 : 0);
    verifyAt.set(Math.floor(Date.now() / 1000));
    const counts = { postings: report.postings, entries: report.entries, accounts: report.accounts };
    if (report.ok) this.logger.log(counts, 'ledger verified');
    else this.logger.error({ ...counts, firstDiscrepancy: report.firstDiscrepancy }, 'ledger verification found a discrepancy');
    return report;
  }
}
