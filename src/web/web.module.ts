import { Global, Module } from '@nestjs/common';
import { ProgramModule } from '../program/program.module';
import { HomeController } from './home.controller';
import { ViewService } from './view.service';

@Global()
@Module({
  imports: [ProgramModule],
  controllers: [HomeController],
  providers: [ViewService],
  exports: [ViewService],
})
export class WebModule {}
