import { Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerVerifyJob } from './ledger-verify.job';
import { JobsModule } from '../jobs/jobs.module';

/** Every feature that moves money (billing, payouts, lead exchange) imports it and posts through LedgerService. */
@Module({
  imports: [JobsModule],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerVerifyJob],
  exports: [LedgerService],
})
export class LedgerModule {}
