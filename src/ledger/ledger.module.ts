import { Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerVerifyJob } from './ledger-verify.job';

/** Every feature that moves money (billing, payouts, lead exchange) imports it and posts through LedgerService. */
@Module({
  controllers: [LedgerController],
  providers: [LedgerService, LedgerVerifyJob],
  exports: [LedgerService],
})
export class LedgerModule {}
