import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { SplitsModule } from '../splits/splits.module';
import { PromoCodeController } from './promo-code.controller';
import { PromoCode } from './promo-code.entity';
import { PromoCodeService } from './promo-code.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([PromoCode]),
    SplitsModule,
    // Applied only where @UseGuards(ThrottlerGuard) asks for it: the public code check.
    ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (c: AppConfig) => [{ ttl: 60_000, limit: c.promoCheckLimitPerMinute }] }),
  ],
  controllers: [PromoCodeController],
  providers: [PromoCodeService],
  exports: [PromoCodeService],
})
export class PromoCodesModule {}
