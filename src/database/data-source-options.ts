import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import './bigint';

/** One place that says how we talk to PostgreSQL; the schema only ever comes from migrations. */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: [join(__dirname, '..', '..', 'migrations', '*.js')],
    migrationsTransactionMode: 'each',
    extra: { max: 20, application_name: 'handshake' },
    ...extra,
  } as DataSourceOptions;
}
