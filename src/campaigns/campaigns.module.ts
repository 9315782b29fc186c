import { Module, OnModuleInit } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module';
import { EmailTemplatesModule } from '../email-templates/email-templates.module';
import { JobsService } from '../jobs/jobs.service';
import { CampaignLinks } from './campaign-links';
import { CampaignPagesController } from './campaign-pages.controller';
import { CampaignSender } from './campaign-sender';
import { CampaignController } from './campaign.controller';
import { CampaignService } from './campaign.service';
import { MailModule } from '../mail/mail.module';
import { FunnelModule } from '../funnel/funnel.module';
import { JobsModule } from '../jobs/jobs.module';

@Module({
  imports: [JobsModule, MailModule, EmailTemplatesModule, AudiencesModule, FunnelModule],
  controllers: [CampaignController, CampaignPagesController],
  providers: [CampaignService, CampaignSender, CampaignLinks],
  exports: [CampaignService, CampaignSender],
})
export class CampaignsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly campaigns: CampaignService,
  ) {}

  onModuleInit(): void {
    // The sending loops also start due campaigns every second; this queue job is the safety net
    // that does it once a minute from any instance.
    this.jobs.register({ name: 'campaigns.start-due', cron: '* * * * *', retryLimit: 1, handler: async () => void (await this.campaigns.startDue()) });
  }
}
