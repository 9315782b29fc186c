import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_URL } from './database-url.token';
import { APP_CONFIG, AppConfig } from './config';

/** The validated configuration and the database URL, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: config },
      { provide: DATABASE_URL, useValue: databaseUrl },
    ];
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
