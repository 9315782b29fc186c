import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SplitsModule } from '../splits/splits.module';
import { PromoCodeController } from './promo-code.controller';
import { PromoCode } from './promo-code.entity';
import { PromoCodeService } from './promo-code.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([PromoCode]),
    SplitsModule,
  ],
  controllers: [PromoCodeController],
  providers: [PromoCodeService],
  exports: [PromoCodeService],
})
export class PromoCodesModule {}
