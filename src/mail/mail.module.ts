import { Global, Module } from '@nestjs/common';
import { MailerService } from './mailer.service';

/** Transactional mail for every feature: inject MailerService and call send(). */
@Global()
@Module({ providers: [MailerService], exports: [MailerService] })
export class MailModule {}
