import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ProgramModule } from '../program/program.module';
import { MailerService } from './mailer.service';
import { OutboxController } from './outbox.controller';
import { OutboxPagesController } from './outbox-pages.controller';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { NotificationsPagesController } from './notifications-pages.controller';
import { NotificationService } from './notifications.service';
import { NotificationSettingsController } from './notification-settings.controller';
import { EmailTemplatesModule } from '../email-templates/email-templates.module';
import { JobsModule } from '../jobs/jobs.module';
import { LedgerModule } from '../ledger/ledger.module';

/** Transactional mail for every feature: inject MailerService and call send(). Without SMTP: the outbox. */
@Module({
  imports: [JobsModule, EmailTemplatesModule, EventsModule, LedgerModule, ProgramModule],
  controllers: [OutboxController, OutboxPagesController, NotificationsPagesController, NotificationSettingsController],
  providers: [MailerService, OutboxRepository, OutboxService, NotificationService],
  exports: [MailerService, OutboxRepository, NotificationService],
})
export class MailModule {}
