import { Global, Module } from '@nestjs/common';
import { ProgramModule } from '../program/program.module';
import { EmailTemplateService } from './email-template.service';

/** Global: every feature that mails renders through the same layout, footer and brand. */
@Global()
@Module({ imports: [ProgramModule], providers: [EmailTemplateService], exports: [EmailTemplateService] })
export class EmailTemplatesModule {}
