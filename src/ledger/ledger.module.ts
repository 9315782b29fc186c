import { Global, Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerVerifyJob } from './ledger-verify.job';

/** Global: every feature that moves money (billing, payouts, lead exchange) posts through LedgerService. */
@Global()
@Module({
  controllers: [LedgerController],
  providers: [LedgerService, LedgerVerifyJob],
  exports: [LedgerService],
})
export class LedgerModule {}
