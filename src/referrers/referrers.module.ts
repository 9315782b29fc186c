import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgramModule } from '../program/program.module';
import { PromoCodesModule } from '../promo-codes/promo-codes.module';
import { SplitsModule } from '../splits/splits.module';
import { OfferAcceptance } from './offer-acceptance.entity';
import { ReferrerController } from './referrer.controller';
import { ReferrerPagesController } from './referrer-pages.controller';
import { Referrer } from './referrer.entity';
import { ReferrerService } from './referrer.service';
import { EventsModule } from '../events/events.module';

@Module({
  imports: [LedgerModule, EventsModule, TypeOrmModule.forFeature([Referrer, OfferAcceptance]), ProgramModule, PromoCodesModule, SplitsModule],
  controllers: [ReferrerController, ReferrerPagesController],
  providers: [ReferrerService],
  exports: [ReferrerService],
})
export class ReferrersModule {}
