import { Module } from '@nestjs/common';
import { SuppressionModule } from '../suppression/suppression.module';
import { BounceService } from './bounce.service';
import { TrackingHitsMiddleware } from './tracking-hits.middleware';
import { TrackingController } from './tracking.controller';
import { TrackingRecorder } from './tracking-recorder';

/** Opens and clicks are served by TrackingHitsMiddleware.handle, which createApp mounts first. */
@Module({ imports: [SuppressionModule], controllers: [TrackingController], providers: [TrackingRecorder, BounceService, TrackingHitsMiddleware], exports: [TrackingRecorder, TrackingHitsMiddleware] })
export class TrackingModule {}
