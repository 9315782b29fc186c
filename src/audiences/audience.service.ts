import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../auth/auth.service';
import { AudienceView, ImportReportView } from './audience.dto';
import { AudienceErrorCode, AudienceException } from './audience.exception';

@Injectable()
export class AudienceService {
  constructor(private readonly db: DataSource) {}

  async create(name: string, userId?: string): Promise<AudienceView> {
    try {
      const [row] = await this.db.query(`INSERT INTO audiences (name, created_by) VALUES ($1, $2) RETURNING id`, [name.trim(), userId ?? null]);
      return this.get(row.id);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AudienceException(AudienceErrorCode.AUDIENCE_NAME_TAKEN, `An audience named "${name.trim()}" exists already`, { field: 'name' });
      throw err;
    }
  }

  /** By name, creating it when missing (the CLI's --audience). */
  async ensure(name: string): Promise<AudienceView> {
    const [row] = await this.db.query(`SELECT id FROM audiences WHERE name = $1`, [name.trim()]);
    return row ? this.get(row.id) : this.create(name);
  }

  async get(id: string): Promise<AudienceView> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw this.notFound(id);
    const [row] = await this.db.query(`SELECT a.*, (SELECT count(*)::int FROM contacts c WHERE c.audience_id = a.id) AS contacts FROM audiences a WHERE a.id = $1`, [id]);
    if (!row) throw this.notFound(id);
    return { id: row.id, name: row.name, contacts: Number(row.contacts), createdAt: row.created_at };
  }

  async list(): Promise<AudienceView[]> {
    const rows = await this.db.query(`SELECT a.*, (SELECT count(*)::int FROM contacts c WHERE c.audience_id = a.id) AS contacts FROM audiences a ORDER BY a.created_at DESC LIMIT 500`);
    return rows.map((row: Record<string, any>) => ({ id: row.id, name: row.name, contacts: Number(row.contacts), createdAt: row.created_at }));
  }

  async importReport(audienceId: string, importId: string): Promise<ImportReportView> {
    if (!/^\d{1,18}$/.test(importId)) throw new AudienceException(AudienceErrorCode.AUDIENCE_IMPORT_NOT_FOUND, `No import ${importId}`);
    const [r] = await this.db.query(`SELECT * FROM audience_imports WHERE id = $1 AND audience_id::text = $2`, [importId, audienceId]);
    if (!r) throw new AudienceException(AudienceErrorCode.AUDIENCE_IMPORT_NOT_FOUND, `No import ${importId}`);
    return {
      importId: String(r.id),
      audienceId: r.audience_id,
      status: r.status,
      rows: r.imported + r.updated + r.rejected + r.suppressed,
      imported: r.imported,
      updated: r.updated,
      rejected: r.rejected,
      suppressed: r.suppressed,
      rejections: r.rejections,
      bytes: Number(r.bytes),
      ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    };
  }

  private notFound(id: string): AudienceException {
    return new AudienceException(AudienceErrorCode.AUDIENCE_NOT_FOUND, `No audience ${id}`);
  }
}
