import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Public } from '../access/access.decorators';
import { MetricsTokenGuard } from '../health/metrics-token.guard';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'],
  registers: [metricsRegistry],
});
const latency = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method and route',
  labelNames: ['method', 'route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** Counts and times one answered request under its route pattern (httpMetrics, and handlers that answer ahead of it). */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  requests.inc({ method, route, status: String(status) });
  latency.observe({ method, route }, seconds);
}

/** Counts and times every request, labelled by the matched route pattern (not the raw path). */
export function httpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => observeRequest(req.method, (req.route?.path as string | undefined) ?? 'unmatched', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
  next();
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @UseGuards(MetricsTokenGuard)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics (request counts and latencies, process figures); needs Authorization: Bearer <METRICS_TOKEN>' })
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
