import { Module } from '@nestjs/common';
import { SecurityLogModule } from '../security-log/security-log.module';
import { AccountPagesController } from './account-pages.controller';
import { StaffController } from './staff.controller';
import { StaffPagesController } from './staff-pages.controller';
import { StaffRepository } from './staff.repository';
import { StaffManagementService } from './staff.service';
import { EmailTemplatesModule } from '../email-templates/email-templates.module';
import { MailModule } from '../mail/mail.module';

/** Staff management (list, invitations, roles, disabling), its API, and every account's password page. */
@Module({
  imports: [MailModule, EmailTemplatesModule, SecurityLogModule],
  controllers: [StaffController, StaffPagesController, AccountPagesController],
  providers: [StaffManagementService, StaffRepository],
  exports: [StaffManagementService],
})
export class StaffModule {}
