import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { EventsModule } from './events/events.module';
import { JobsModule } from './jobs/jobs.module';
import { StripeModule } from './stripe/stripe.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics';
import { ProgramModule } from './program/program.module';
import { PromoCodesModule } from './promo-codes/promo-codes.module';
import { ReferrersModule } from './referrers/referrers.module';
import { SplitsModule } from './splits/splits.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, databaseUrl),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), autoLoadEntities: true }),
        EventsModule,
        JobsModule,
        StripeModule,
        AuthModule,
        ProgramModule,
        SplitsModule,
        PromoCodesModule,
        ReferrersModule,
        WebModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
