import { Module } from '@nestjs/common';
import { SecurityLogModule } from '../security-log/security-log.module';
import { AccountPagesController } from './account-pages.controller';
import { StaffController } from './staff.controller';
import { StaffPagesController } from './staff-pages.controller';
import { StaffRepository } from './staff.repository';
import { StaffManagementService } from './staff.service';

/** Staff management (list, invitations, roles, disabling), its API, and every account's password page. */
@Module({
  imports: [SecurityLogModule],
  controllers: [StaffController, StaffPagesController, AccountPagesController],
  providers: [StaffManagementService, StaffRepository],
  exports: [StaffManagementService],
})
export class StaffModule {}
