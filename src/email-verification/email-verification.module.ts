import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { EmailVerificationPagesController } from './email-verification-pages.controller';
import { EmailVerificationService } from './email-verification.service';

/** Confirming a self-registered referrer's email address (the link, the page, the banner's state). */
@Module({
  imports: [MailModule],
  controllers: [EmailVerificationPagesController],
  providers: [EmailVerificationService],
  exports: [EmailVerificationService],
})
export class EmailVerificationModule {}
