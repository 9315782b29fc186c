import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProgramModule } from '../program/program.module';
import { ReferrerSplit } from './referrer-split.entity';
import { SplitService } from './split.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReferrerSplit]), ProgramModule],
  providers: [SplitService],
  exports: [SplitService],
})
export class SplitsModule {}
