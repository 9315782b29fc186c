import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebModule } from '../web/web.module';
import { HomeController } from './home.controller';
import { OfferVersion } from './offer-version.entity';
import { ProgramController } from './program.controller';
import { ProgramService } from './program.service';
import { ProgramSettings } from './program-settings.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ProgramSettings, OfferVersion]), WebModule],
  controllers: [ProgramController, HomeController],
  providers: [ProgramService],
  exports: [ProgramService],
})
export class ProgramModule {}
