import { Module } from '@nestjs/common';
import { MailerService } from './mailer.service';

/** Transactional mail: a feature imports MailModule, injects MailerService and calls send(). */
@Module({ providers: [MailerService], exports: [MailerService] })
export class MailModule {}
