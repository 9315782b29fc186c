import { Module } from '@nestjs/common';
import { ProgramModule } from '../program/program.module';
import { EmailTemplateService } from './email-template.service';

/** Every feature that mails imports it and renders through the same layout, footer and brand. */
@Module({ imports: [ProgramModule], providers: [EmailTemplateService], exports: [EmailTemplateService] })
export class EmailTemplatesModule {}
