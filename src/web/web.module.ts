import { Global, Module } from '@nestjs/common';
import { ViewService } from './view.service';

/** Page rendering shared by every feature's pages (the features' controllers live in their folders). */
@Global()
@Module({
  providers: [ViewService],
  exports: [ViewService],
})
export class WebModule {}
