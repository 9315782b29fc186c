import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/config';
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
 * a discrepancy is logged as an error and exposed as `ledger_verify_ok 0` for alerting. An instance
 * that works the queues also verifies once when it starts (in the background; instant on a fresh
 * install), so /metrics tells the truth from the start instead of 0 until the first night.
 */
@Injectable()
export class LedgerVerifyJob implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Ledger');
  private atBoot?: Promise<unknown>;

  constructor(
    private readonly jobs: JobsService,
    private readonly ledger: LedgerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: LEDGER_VERIFY_JOB, cron: '17 3 * * *', policy: 'singleton', retryLimit: 1, handler: async () => void (await this.run()) });
  }

  onApplicationBootstrap(): void {
    if (!this.config.jobsEnabled) return;
    this.atBoot = this.run().catch((err) => this.logger.error({ err }, 'ledger verification at start-up failed'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.atBoot;
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
