import { Module } from '@nestjs/common';
import { SuppressionModule } from '../suppression/suppression.module';
import { AudienceImportService } from './audience-import.service';
import { AudiencePagesController } from './audience-pages.controller';
import { AudienceController } from './audience.controller';
import { AudienceService } from './audience.service';

@Module({
  imports: [SuppressionModule],
  controllers: [AudienceController, AudiencePagesController],
  providers: [AudienceService, AudienceImportService],
  exports: [AudienceService, AudienceImportService],
})
export class AudiencesModule {}
