import { Module } from '@nestjs/common';
import { ProgramModule } from '../program/program.module';
import { LinkVisitCounter } from './link-visit-counter';
import { ReferralLinksPagesController } from './referral-links-pages.controller';
import { ReferralLinksRepository } from './referral-links.repository';

/** Referral link analytics: counting visits of /join?ref=CODE and each code's path to paying suppliers. */
@Module({ imports: [ProgramModule], controllers: [ReferralLinksPagesController], providers: [LinkVisitCounter, ReferralLinksRepository], exports: [LinkVisitCounter, ReferralLinksRepository] })
export class ReferralLinksModule {}
