import { Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerReadRepository } from './ledger-read.repository';
import { LedgerVerifyJob } from './ledger-verify.job';
import { JobsModule } from '../jobs/jobs.module';

/**
 * Every feature that moves money (billing, payouts, lead exchange) imports it and posts through
 * LedgerService; every other read or lock of the ledger's tables goes through LedgerReadRepository.
 */
@Module({
  imports: [JobsModule],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerReadRepository, LedgerVerifyJob],
  exports: [LedgerService, LedgerReadRepository],
})
export class LedgerModule {}
