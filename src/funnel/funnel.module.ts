import { Module } from '@nestjs/common';
import { FunnelController } from './funnel.controller';
import { FunnelService } from './funnel.service';
import { EventsModule } from '../events/events.module';

@Module({ imports: [EventsModule], controllers: [FunnelController], providers: [FunnelService], exports: [FunnelService] })
export class FunnelModule {}
