import { stringify } from 'csv-stringify/sync';
import { isoInZone } from '../zoned-dates';

/**
 * The one CSV writer of the app (RFC 4180 through csv-stringify, CRLF line ends, a header row).
 *
 * One formula-injection rule, csv-stringify's `escape_formulas`: a text cell starting with `=`, `+`,
 * `-`, `@`, tab or CR (or their full-width forms) is prefixed with an apostrophe, so a spreadsheet
 * shows it as text instead of running it (an email `-2+3+cmd|'/Ccalc'!A0@x.ru` comes out as
 * `'-2+3+cmd|'/Ccalc'!A0@x.ru`). Numbers are not text: a JS number or bigint is written as it is,
 * and a decimal held as a string (money in major units) is marked with `csvNumber`, so `-66.67`
 * stays a number for the spreadsheet. Dates are ISO 8601: UTC, or with the offset of `timeZone`
 * (the program's, for files people open) — the same instant either way.
 */
export type CsvCell = string | number | bigint | boolean | Date | CsvNumber | null | undefined;

export class CsvNumber {
  private constructor(readonly text: string) {}

  /** A decimal number written as text ("-66.67", "1500.00"); anything else is refused. */
  static of(text: string): CsvNumber {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
    return new CsvNumber(text);
  }
}

export const csvNumber = (text: string): CsvNumber => CsvNumber.of(text);

export interface CsvOptions {
  /**
   * false only for a file that no spreadsheet opens (one the app feeds to its own importer): the
   * text then goes through unchanged.
   */
  escapeFormulas?: boolean;
  /** Record delimiter; CRLF (RFC 4180) by default. */
  lineEnd?: '\r\n' | '\n';
  /** Dates written as this zone's clock shows them, with its offset (the program's zone). */
  timeZone?: string;
}

export function toCsv(header: string[], rows: CsvCell[][], opts: CsvOptions = {}): string {
  return stringify([header, ...rows], {
    escape_formulas: opts.escapeFormulas ?? true,
    record_delimiter: opts.lineEnd === '\n' ? 'unix' : 'windows',
    cast: {
      boolean: (v) => String(v),
      date: (v) => (opts.timeZone ? isoInZone(v, opts.timeZone) : v.toISOString()),
      bigint: (v) => v.toString(),
      number: (v) => String(v),
      // A marked decimal is a number: the formula rule (which would prefix "-66.67") does not apply.
      object: (v) => {
        if (v instanceof CsvNumber) return { value: v.text, escape_formulas: false };
        throw new Error('a CSV cell is text, a number, a date or a boolean');
      },
    },
  });
}
