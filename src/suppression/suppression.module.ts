import { Module } from '@nestjs/common';
import { SuppressionController } from './suppression.controller';
import { SuppressionService } from './suppression.service';
import { SuppressionPagesController } from './suppression-pages.controller';

@Module({ controllers: [SuppressionController, SuppressionPagesController], providers: [SuppressionService], exports: [SuppressionService] })
export class SuppressionModule {}
