import { Module } from '@nestjs/common';
import { SecurityLogPagesController } from './security-log-pages.controller';
import { SecurityLogRepository } from './security-log.repository';
import { SecurityLogService } from './security-log.service';

/** The security log (sign-ins, failures, lockouts, password, two-factor and staff changes) and its admin page. */
@Module({
  controllers: [SecurityLogPagesController],
  providers: [SecurityLogRepository, SecurityLogService],
  exports: [SecurityLogService],
})
export class SecurityLogModule {}
