import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../auth/auth.service';
import { AudienceView, ImportReportView } from './audience.dto';

export interface ContactRow {
  id: string;
  email: string;
  name: string | null;
  company: string | null;
  createdAt: Date;
  suppressed: boolean;
}

export interface ContactHistory {
  id: string;
  audienceId: string;
  audienceName: string;
  email: string;
  name: string | null;
  company: string | null;
  attributes: Record<string, string>;
  createdAt: Date;
  suppressed: { reason: string; at: Date } | null;
  campaigns: Record<string, unknown>[];
}
import { AudienceErrorCode, AudienceException } from './audience.exception';
import { likeContains } from '../common/sql/like';

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
    const [row] = await this.db.query(`SELECT id FROM audiences WHERE name = $1 AND deleted_at IS NULL`, [name.trim()]);
    return row ? this.get(row.id) : this.create(name);
  }

  async get(id: string): Promise<AudienceView> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw this.notFound(id);
    const [row] = await this.db.query(`SELECT a.*, (SELECT count(*)::int FROM contacts c WHERE c.audience_id = a.id) AS contacts FROM audiences a WHERE a.id = $1 AND a.deleted_at IS NULL`, [id]);
    if (!row) throw this.notFound(id);
    return { id: row.id, name: row.name, contacts: Number(row.contacts), createdAt: row.created_at };
  }

  async list(): Promise<AudienceView[]> {
    const rows = await this.db.query(`SELECT a.*, (SELECT count(*)::int FROM contacts c WHERE c.audience_id = a.id) AS contacts FROM audiences a WHERE a.deleted_at IS NULL ORDER BY a.created_at DESC LIMIT 500`);
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

  /** Contacts of an audience whose address, name or company contains `q`, by address. */
  async contacts(audienceId: string, q: string, limit: number, offset: number): Promise<{ rows: ContactRow[]; total: number }> {
    await this.get(audienceId);
    const like = likeContains(q.trim().toLowerCase());
    const rows = await this.db.query(
      `SELECT c.id, c.email, c.name, c.company, c.created_at, (sp.email IS NOT NULL) AS suppressed, count(*) OVER ()::int AS total
         FROM contacts c LEFT JOIN suppressions sp ON sp.email = c.email
        WHERE c.audience_id = $1 AND ($2 = '%%' OR c.email LIKE $2 OR lower(c.name) LIKE $2 OR lower(c.company) LIKE $2)
        ORDER BY c.email LIMIT $3 OFFSET $4`,
      [audienceId, like, limit, offset],
    );
    return {
      rows: rows.map((r: Record<string, any>) => ({ id: r.id, email: r.email, name: r.name, company: r.company, createdAt: r.created_at, suppressed: r.suppressed })),
      total: rows[0]?.total ?? 0,
    };
  }

  /** One contact with what happened to it: each campaign sent, its opens and clicks (people and machines apart), a registration. */
  async contact(audienceId: string, contactId: string): Promise<ContactHistory> {
    if (!/^[0-9a-f-]{36}$/i.test(contactId)) throw new AudienceException(AudienceErrorCode.CONTACT_NOT_FOUND, `No contact ${contactId}`);
    const audience = await this.get(audienceId);
    const [c] = await this.db.query(
      `SELECT c.*, sp.reason AS suppressed_reason, sp.created_at AS suppressed_at FROM contacts c LEFT JOIN suppressions sp ON sp.email = c.email WHERE c.id = $1 AND c.audience_id = $2`,
      [contactId, audienceId],
    );
    if (!c) throw new AudienceException(AudienceErrorCode.CONTACT_NOT_FOUND, `No contact ${contactId}`);
    const sends = await this.db.query(
      `SELECT s.campaign_id, k.name AS campaign_name, s.status, s.sent_at, s.bounced_at, s.human_open_at, s.machine_open_at, s.human_click_at, s.machine_click_at,
              r.referrer_id, r.registered_at,
              (SELECT count(*)::int FROM tracking_events e WHERE e.send_id = s.id AND e.kind = 'open' AND NOT e.machine) AS opens_human,
              (SELECT count(*)::int FROM tracking_events e WHERE e.send_id = s.id AND e.kind = 'open' AND e.machine) AS opens_machine,
              (SELECT count(*)::int FROM tracking_events e WHERE e.send_id = s.id AND e.kind = 'click' AND NOT e.machine) AS clicks_human,
              (SELECT count(*)::int FROM tracking_events e WHERE e.send_id = s.id AND e.kind = 'click' AND e.machine) AS clicks_machine
         FROM campaign_sends s JOIN campaigns k ON k.id = s.campaign_id LEFT JOIN campaign_referrers r ON r.send_id = s.id
        WHERE s.contact_id = $1 ORDER BY coalesce(s.sent_at, k.started_at) DESC NULLS LAST, s.id DESC`,
      [contactId],
    );
    return {
      id: c.id,
      audienceId,
      audienceName: audience.name,
      email: c.email,
      name: c.name,
      company: c.company,
      attributes: c.attributes ?? {},
      createdAt: c.created_at,
      suppressed: c.suppressed_reason ? { reason: c.suppressed_reason, at: c.suppressed_at } : null,
      campaigns: sends.map((r: Record<string, any>) => ({
        campaignId: r.campaign_id,
        campaignName: r.campaign_name,
        status: r.status,
        sentAt: r.sent_at,
        bouncedAt: r.bounced_at,
        firstHumanOpenAt: r.human_open_at,
        firstMachineOpenAt: r.machine_open_at,
        firstHumanClickAt: r.human_click_at,
        firstMachineClickAt: r.machine_click_at,
        opensHuman: r.opens_human,
        opensMachine: r.opens_machine,
        clicksHuman: r.clicks_human,
        clicksMachine: r.clicks_machine,
        registeredAt: r.registered_at,
      })),
    };
  }

  /** The audience's imports, newest first, with who ran them. */
  async imports(audienceId: string, limit = 50): Promise<(ImportReportView & { createdAt: Date; createdBy: string | null; filename: string | null })[]> {
    await this.get(audienceId);
    const rows = await this.db.query(
      `SELECT i.id FROM audience_imports i WHERE i.audience_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2`,
      [audienceId, limit],
    );
    const out = [];
    for (const r of rows) {
      const [meta] = await this.db.query(`SELECT i.created_at, i.filename, u.email FROM audience_imports i LEFT JOIN users u ON u.id = i.created_by WHERE i.id = $1`, [r.id]);
      out.push({ ...(await this.importReport(audienceId, String(r.id))), createdAt: meta.created_at, createdBy: meta.email ?? null, filename: meta.filename });
    }
    return out;
  }

  async rename(id: string, name: string): Promise<AudienceView> {
    await this.get(id);
    try {
      await this.db.query(`UPDATE audiences SET name = $2 WHERE id = $1`, [id, name.trim()]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AudienceException(AudienceErrorCode.AUDIENCE_NAME_TAKEN, `An audience named "${name.trim()}" exists already`, { field: 'name' });
      throw err;
    }
    return this.get(id);
  }

  /** What deleting would do: how many contacts go, how many campaigns keep their history. */
  async deletionImpact(id: string): Promise<{ contacts: number; campaigns: number }> {
    const a = await this.get(id);
    const [r] = await this.db.query(`SELECT count(*)::int AS n FROM campaigns WHERE audience_id = $1`, [id]);
    return { contacts: a.contacts, campaigns: r.n };
  }

  /**
   * Deletes an audience. Never mailed by a campaign: its contacts and import reports go with it.
   * Used by campaigns: it disappears from the lists and can take no new campaign, but its contacts
   * stay, so those campaigns keep their recipients, funnel and each contact's history.
   */
  async remove(id: string): Promise<{ kept: boolean }> {
    await this.get(id);
    return this.db.transaction(async (m) => {
      const [used] = await m.query(`SELECT count(*)::int AS n FROM campaigns WHERE audience_id = $1`, [id]);
      if (used.n > 0) {
        await m.query(`UPDATE audiences SET deleted_at = now() WHERE id = $1`, [id]);
        return { kept: true };
      }
      await m.query(`DELETE FROM contacts WHERE audience_id = $1`, [id]);
      await m.query(`DELETE FROM audience_imports WHERE audience_id = $1`, [id]);
      await m.query(`DELETE FROM audiences WHERE id = $1`, [id]);
      return { kept: false };
    });
  }

  private notFound(id: string): AudienceException {
    return new AudienceException(AudienceErrorCode.AUDIENCE_NOT_FOUND, `No audience ${id}`);
  }
}
