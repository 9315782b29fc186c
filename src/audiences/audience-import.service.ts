import { Inject, Injectable } from '@nestjs/common';
import { Readable, Transform } from 'node:stream';
import { isEmail } from 'class-validator';
import { CsvError, parse } from 'csv-parse';
import { DataSource, QueryRunner } from 'typeorm';
import { DomainException } from '../common/errors/domain.exception';
import { APP_CONFIG, AppConfig } from '../config/config';
import { normalizeEmail, SuppressionService } from '../suppression/suppression.service';
import { Locale, translate } from '../i18n/messages';
import { ImportReportView, RejectedRowView } from './audience.dto';
import { AudienceErrorCode, AudienceException } from './audience.exception';
import './audiences.messages';
import { CSV_LIMITS, HeaderMap, likelyDelimiter, mapHeader } from './csv-header';

export interface ImportOptions {
  filename?: string;
  userId?: string;
  delimiter?: string;
  /** Size the client declared (Content-Length, file size): refused before reading when over the limit. */
  declaredBytes?: number;
  onProgress?: (bytesRead: number) => void;
  /** Language of the person importing, for the messages of a refused file. */
  locale?: Locale;
}

interface Row {
  line: number;
  email: string;
  name: string | null;
  company: string | null;
  attributes: Record<string, string>;
}

const BATCH = 1000;
const MAX_LISTED_REJECTIONS = 1000;

class TooLarge extends Error {}

/**
 * Streams a CSV into an audience. Rows are parsed, validated and written in batches of BATCH, so
 * memory stays flat whatever the file's size; the whole import is one transaction, so a file that
 * turns out broken (bad quoting, too large) leaves nothing half-imported.
 */
@Injectable()
export class AudienceImportService {
  /** Largest accepted file; AUDIENCE_IMPORT_MAX_MB, 50 MB by default. */
  maxBytes: number;
  /** Per-record caps (columns, bytes), checked by the parser; see CSV_LIMITS. */
  limits = { ...CSV_LIMITS };

  constructor(
    private readonly db: DataSource,
    private readonly suppression: SuppressionService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxBytes = config.audienceImportMaxBytes;
  }

  async importCsv(audienceId: string, source: Readable, opts: ImportOptions = {}): Promise<ImportReportView> {
    if (opts.declaredBytes !== undefined && opts.declaredBytes > this.maxBytes) {
      source.resume(); // drain and drop what the client sends
      throw this.tooLarge();
    }
    const [audience] = await this.db.query(`SELECT id FROM audiences WHERE id = $1`, [audienceId]);
    if (!audience) throw new AudienceException(AudienceErrorCode.AUDIENCE_NOT_FOUND, `No audience ${audienceId}`);
    const [{ id: importId }] = await this.db.query(`SELECT nextval('audience_imports_id_seq')::text AS id`);
    const report: ImportReportView = { importId, audienceId, status: 'done', rows: 0, imported: 0, updated: 0, rejected: 0, suppressed: 0, rejections: [], bytes: 0 };
    const qr = this.db.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await this.stream(qr, audienceId, importId, source, opts, report);
      await this.saveReport(qr, report, opts, null);
      await qr.commitTransaction();
      return report;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      const refused = this.asDomain(err, opts.locale ?? 'en');
      // The failed import keeps its report (status failed, the error): its id lets the client look it up.
      const failure =
        refused instanceof AudienceException ? new AudienceException(refused.code, refused.message, { ...(refused.details as object | undefined), importId }) : refused;
      source.unpipe?.();
      source.resume();
      await this.saveReport(this.db.createQueryRunner(), { ...report, status: 'failed', imported: 0, updated: 0 }, opts, failure).catch(() => undefined);
      throw failure;
    } finally {
      await qr.release();
    }
  }

  private async stream(qr: QueryRunner, audienceId: string, importId: string, source: Readable, opts: ImportOptions, report: ImportReportView): Promise<void> {
    const delimiter = opts.delimiter ?? ',';
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        report.bytes += chunk.length;
        if (report.bytes > this.maxBytes) return done(new TooLarge());
        opts.onProgress?.(report.bytes);
        done(null, chunk);
      },
    });
    source.on('error', (err) => counter.destroy(err));
    const { maxColumns, maxRecordBytes } = this.limits;
    const locale = opts.locale ?? 'en';
    const parser = source.pipe(counter).pipe(
      parse({
        delimiter,
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
        trim: true,
        // Field content of one record; delimiters are not content, hence the column cap below.
        max_record_size: maxRecordBytes,
        // Called for each field as it is parsed: a record wider than the cap stops the parser there.
        cast: (value: string, ctx: { index: number; lines: number }) => {
          if (ctx.index >= maxColumns) {
            throw new AudienceException(AudienceErrorCode.CSV_TOO_MANY_COLUMNS, translate(locale, 'audiences.error.CSV_TOO_MANY_COLUMNS', { line: ctx.lines, max: maxColumns }), {
              line: ctx.lines,
              maxColumns,
            });
          }
          return value;
        },
      }),
    );
    counter.on('error', (err) => parser.destroy(err));
    let header: HeaderMap | undefined;
    let width = 0;
    let batch: Row[] = [];
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = mapHeader(record);
        width = record.length;
        if (!header) {
          const detected = likelyDelimiter(record, delimiter);
          if (detected) {
            throw new AudienceException(AudienceErrorCode.CSV_WRONG_DELIMITER, `The file seems to be separated by "${printable(detected)}", not "${printable(delimiter)}"; pass delimiter=${encodeURIComponent(detected)}`, {
              line: 1,
              detected,
              used: delimiter,
            });
          }
          throw new AudienceException(AudienceErrorCode.CSV_NO_EMAIL_COLUMN, `The header (line 1) has no email column; found: ${record.slice(0, 20).join(', ')}`, { line: 1, columns: record.slice(0, 50) });
        }
        continue;
      }
      report.rows++;
      const line = info.lines;
      const row = this.validate(record, header, width, line, report);
      if (row) batch.push(row);
      if (batch.length >= BATCH) {
        await this.flush(qr, audienceId, importId, batch, report);
        batch = [];
      }
    }
    if (!header) throw new AudienceException(AudienceErrorCode.CSV_EMPTY, 'The file is empty: expected a header line with an email column');
    if (batch.length) await this.flush(qr, audienceId, importId, batch, report);
    report.rejections.sort((a, b) => a.line - b.line);
  }

  private validate(record: string[], h: HeaderMap, width: number, line: number, report: ImportReportView): Row | undefined {
    const email = normalizeEmail(record[h.email] ?? '');
    if (record.length !== width) return this.reject(report, { line, email: email || undefined, reason: `has ${record.length} fields; the header has ${width}`, code: 'FIELD_COUNT', params: { fields: record.length, width } });
    if (!email) return this.reject(report, { line, reason: 'no email address', code: 'NO_EMAIL' });
    if (email.length > 254 || !isEmail(email)) return this.reject(report, { line, email, reason: `"${email.slice(0, 100)}" is not a valid email address`, code: 'INVALID_EMAIL', params: { email: email.slice(0, 100) } });
    const attributes: Record<string, string> = {};
    for (const [i, name] of h.attributes) if (record[i] !== undefined && record[i] !== '') attributes[name] = record[i].slice(0, 1000);
    const text = (i: number | null) => (i === null || !record[i] ? null : record[i].slice(0, 200));
    return { line, email, name: text(h.name), company: text(h.company), attributes };
  }

  private reject(report: ImportReportView, r: RejectedRowView): undefined {
    report.rejected++;
    if (report.rejections.length < MAX_LISTED_REJECTIONS) report.rejections.push(r);
    return undefined;
  }

  private async flush(qr: QueryRunner, audienceId: string, importId: string, rows: Row[], report: ImportReportView): Promise<void> {
    // Duplicates inside the batch: the first occurrence wins.
    const firstLine = new Map<string, number>();
    const unique: Row[] = [];
    for (const r of rows) {
      const seen = firstLine.get(r.email);
      if (seen !== undefined) this.reject(report, { line: r.line, email: r.email, reason: `duplicate of line ${seen}`, code: 'DUPLICATE', params: { of: seen } });
      else {
        firstLine.set(r.email, r.line);
        unique.push(r);
      }
    }
    const skip = await this.suppression.suppressedAmong(qr.manager, unique.map((r) => r.email));
    report.suppressed += skip.size;
    const keep = unique.filter((r) => !skip.has(r.email));
    if (keep.length === 0) return;
    // Rows already written by this import (a duplicate from an earlier batch) are left alone.
    const written: { email: string; inserted: boolean }[] = await qr.query(
      `INSERT INTO contacts (audience_id, email, name, company, attributes, import_id, source_line)
       SELECT $1, u.email, u.name, u.company, u.attributes::jsonb, $2, u.line
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) AS u(email, name, company, attributes, line)
       ON CONFLICT (audience_id, email) DO UPDATE
          SET name = COALESCE(EXCLUDED.name, contacts.name), company = COALESCE(EXCLUDED.company, contacts.company),
              attributes = contacts.attributes || EXCLUDED.attributes, import_id = EXCLUDED.import_id, source_line = EXCLUDED.source_line, updated_at = now()
        WHERE contacts.import_id IS DISTINCT FROM EXCLUDED.import_id
       RETURNING email, (xmax = 0) AS inserted`,
      [audienceId, importId, keep.map((r) => r.email), keep.map((r) => r.name), keep.map((r) => r.company), keep.map((r) => JSON.stringify(r.attributes)), keep.map((r) => r.line)],
    );
    const done = new Set<string>();
    for (const w of written) {
      done.add(w.email);
      if (w.inserted) report.imported++;
      else report.updated++;
    }
    const dupes = keep.filter((r) => !done.has(r.email));
    if (dupes.length) {
      const earlier: { email: string; source_line: number }[] = await qr.query(`SELECT email, source_line FROM contacts WHERE audience_id = $1 AND email = ANY($2::text[])`, [
        audienceId,
        dupes.map((r) => r.email),
      ]);
      const lineOf = new Map(earlier.map((e) => [e.email, e.source_line]));
      for (const r of dupes) this.reject(report, { line: r.line, email: r.email, reason: `duplicate of line ${lineOf.get(r.email) ?? '?'}`, code: 'DUPLICATE', params: { of: lineOf.get(r.email) ?? '?' } });
    }
  }

  private async saveReport(qr: QueryRunner, r: ImportReportView, opts: ImportOptions, failure: DomainException | null): Promise<void> {
    try {
      await qr.query(
        `INSERT INTO audience_imports (id, audience_id, filename, status, bytes, imported, updated, rejected, suppressed, rejections, error, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          r.importId,
          r.audienceId,
          opts.filename?.slice(0, 300) ?? null,
          r.status,
          r.bytes,
          r.imported,
          r.updated,
          r.rejected,
          r.suppressed,
          JSON.stringify(r.rejections),
          failure ? JSON.stringify({ code: failure.code, message: failure.message, details: failure.details }) : null,
          opts.userId ?? null,
        ],
      );
    } finally {
      if (failure) await qr.release();
    }
  }

  private asDomain(err: unknown, locale: Locale): DomainException {
    if (err instanceof DomainException) return err;
    if (err instanceof TooLarge) return this.tooLarge();
    if (err instanceof CsvError || (err as { code?: string }).code?.startsWith?.('CSV_') || (err as { code?: string }).code === 'INVALID_OPENING_QUOTE') {
      const e = err as CsvError & { lines?: number };
      if (e.code === 'CSV_MAX_RECORD_SIZE') {
        const maxRecordBytes = this.limits.maxRecordBytes;
        return new AudienceException(
          AudienceErrorCode.CSV_RECORD_TOO_LARGE,
          translate(locale, 'audiences.error.CSV_RECORD_TOO_LARGE', { line: e.lines ?? '?', maxKb: Math.round(maxRecordBytes / 1024) }),
          { line: e.lines, maxRecordBytes },
        );
      }
      const quoting = /QUOTE/.test(e.code);
      return new AudienceException(
        quoting ? AudienceErrorCode.CSV_BROKEN_QUOTING : AudienceErrorCode.CSV_MALFORMED,
        `${quoting ? 'Broken quoting' : 'Malformed CSV'} at line ${e.lines ?? '?'}: ${e.message}; nothing was imported`,
        { line: e.lines, parser: e.code },
      );
    }
    throw err;
  }

  private tooLarge(): AudienceException {
    return new AudienceException(AudienceErrorCode.AUDIENCE_FILE_TOO_LARGE, `The file is larger than the ${Math.round(this.maxBytes / 1024 / 1024)} MB limit; split it and import the parts`, {
      maxBytes: this.maxBytes,
    });
  }
}

function printable(d: string): string {
  return d === '\t' ? '\\t' : d;
}
