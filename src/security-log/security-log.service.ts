import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecurityEventInput } from './security-events';
import { SecurityEventRow, SecurityLogFilter, SecurityLogRepository } from './security-log.repository';

export const SECURITY_LOG_PAGE_SIZE = 50;

/**
 * The security log: the one call every sign-in path, password, two-factor and staff change makes.
 * Inside a change's transaction (pass its EntityManager) the record is part of the change; without
 * one (a refused sign-in) a failure to record is logged and never changes the answer.
 */
@Injectable()
export class SecurityLogService {
  private readonly logger = new Logger('SecurityLog');

  constructor(private readonly repo: SecurityLogRepository) {}

  async record(e: SecurityEventInput, m?: EntityManager): Promise<void> {
    if (m) return this.repo.insert(m, e);
    await this.repo.insert(undefined, e).catch((err: Error) => this.logger.error({ err: err.message, kind: e.kind }, 'security event not recorded'));
  }

  async page(filter: SecurityLogFilter, pageNo: number): Promise<{ rows: SecurityEventRow[]; total: number; pages: number }> {
    const { rows, total } = await this.repo.page(filter, SECURITY_LOG_PAGE_SIZE, (pageNo - 1) * SECURITY_LOG_PAGE_SIZE);
    return { rows, total, pages: Math.max(1, Math.ceil(total / SECURITY_LOG_PAGE_SIZE)) };
  }
}
