import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { toCsv } from '../../common/csv/csv';
import { AudienceImportService } from '../../audiences/audience-import.service';
import { AudienceService } from '../../audiences/audience.service';
import { ExchangeErrorCode, ExchangeException } from '../exchange.exception';

export const DEFAULT_NURTURE_AUDIENCE = 'Lead exchange: nurture';

export interface NurtureResult {
  audienceId: string;
  audienceName: string;
  /** Leads whose contact was handed over now. */
  handed: number;
  /** Contacts the campaign tools refused (suppressed or rejected). */
  refused: number;
}

/**
 * Hands nurture leads to the campaign tools so they are kept warm: each lead's contact is added to
 * an audience through the campaigns engineer's own import service (so its validation and suppression
 * list apply), and the lead remembers the audience so it is never handed over twice.
 */
@Injectable()
export class NurtureService {
  constructor(
    private readonly db: DataSource,
    private readonly audiences: AudienceService,
    private readonly imports: AudienceImportService,
  ) {}

  /** One lead (the operator's button) or, with no id, every nurture lead not handed over yet. */
  async hand(leadId: string | null, audienceName = DEFAULT_NURTURE_AUDIENCE, userId?: string): Promise<NurtureResult> {
    const leads: { id: string; contact_email: string | null; contact_name: string; company_name: string; qualification: string }[] = await this.db.query(
      `SELECT id, contact_email, contact_name, company_name, qualification FROM exchange_leads
        WHERE ($1::uuid IS NULL AND qualification = 'nurture' AND nurture_audience_id IS NULL AND contact_email IS NOT NULL) OR id = $1`,
      [leadId],
    );
    if (leadId) {
      if (leads.length === 0) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
      if (leads[0].qualification !== 'nurture') throw new ExchangeException(ExchangeErrorCode.NOT_NURTURE, `Only nurture leads go to the campaign tools (this one is ${leads[0].qualification})`);
      if (!leads[0].contact_email) throw new ExchangeException(ExchangeErrorCode.CONTACT_EMAIL_MISSING, 'The lead has no contact email to add to an audience');
    }
    const audience = await this.audiences.ensure(audienceName);
    if (leads.length === 0) return { audienceId: audience.id, audienceName: audience.name, handed: 0, refused: 0 };
    // Fed to our own importer, not opened in a spreadsheet: the text goes through unchanged.
    const csv = toCsv(['email', 'name', 'company', 'exchange_lead_id'], leads.map((l) => [l.contact_email, l.contact_name, l.company_name, l.id]), { escapeFormulas: false });
    const report = await this.imports.importCsv(audience.id, Readable.from([csv]), { filename: 'exchange-nurture.csv', userId });
    await this.db.query(`UPDATE exchange_leads SET nurture_audience_id = $2 WHERE id = ANY($1)`, [leads.map((l) => l.id), audience.id]);
    return { audienceId: audience.id, audienceName: audience.name, handed: report.imported + report.updated, refused: report.rejected + report.suppressed };
  }
}
