import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../access/access.decorators';

class DatabaseHealth {
  @ApiProperty({ description: 'up when a query round-trip succeeded, down otherwise', enum: ['up', 'down'] })
  status: 'up' | 'down';
  @ApiProperty({ description: 'Round-trip time of the probe query in milliseconds', required: false })
  latencyMs?: number;
  @ApiProperty({ description: 'Applied migrations count', required: false })
  migrations?: number;
  @ApiProperty({ description: 'Why the probe failed', required: false })
  error?: string;
}

class HealthBody {
  @ApiProperty({ description: 'ok when every dependency is up', enum: ['ok', 'degraded'] })
  status: 'ok' | 'degraded';
  @ApiProperty({ description: 'State of PostgreSQL', type: DatabaseHealth })
  database: DatabaseHealth;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database state; 503 when the database does not answer' })
  @ApiOkResponse({ type: HealthBody })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthBody> {
    const started = Date.now();
    try {
      const rows: { n: bigint }[] = await this.db.query('SELECT count(*) AS n FROM migrations');
      return { status: 'ok', database: { status: 'up', latencyMs: Date.now() - started, migrations: Number(rows[0].n) } };
    } catch (err) {
      res.status(503);
      return { status: 'degraded', database: { status: 'down', error: (err as Error).message } };
    }
  }
}
