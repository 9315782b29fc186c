/** Maps a CSV header onto contact fields; every other column is kept as an attribute. */
export interface HeaderMap {
  email: number;
  name: number | null;
  company: number | null;
  /** Attribute name by column index. */
  attributes: [number, string][];
}

const EMAIL = ['email', 'e-mail', 'email address', 'e-mail address', 'mail', 'почта', 'email адрес'];
const NAME = ['name', 'full name', 'fullname', 'contact name', 'имя', 'фио'];
const COMPANY = ['company', 'company name', 'organization', 'organisation', 'компания'];

function key(h: string): string {
  return h.trim().toLowerCase().replace(/[_\s]+/g, ' ');
}

export function mapHeader(header: string[]): HeaderMap | undefined {
  const keys = header.map(key);
  const email = keys.findIndex((k) => EMAIL.includes(k));
  if (email < 0) return undefined;
  const name = keys.findIndex((k) => NAME.includes(k));
  const company = keys.findIndex((k) => COMPANY.includes(k));
  const attributes: [number, string][] = [];
  header.forEach((h, i) => {
    if (i !== email && i !== name && i !== company && h.trim() !== '') attributes.push([i, h.trim()]);
  });
  return { email, name: name >= 0 ? name : null, company: company >= 0 ? company : null, attributes };
}

/** When the header has no email column, a delimiter under which it would have one. */
export function likelyDelimiter(header: string[], used: string): string | undefined {
  const raw = header.join(used);
  for (const d of [';', '\t', '|', ',']) {
    if (d === used || !raw.includes(d)) continue;
    if (mapHeader(raw.split(d).map((s) => s.replace(/^"|"$/g, '')))) return d;
  }
  return undefined;
}

/**
 * Caps that keep one record's memory small whatever the file holds (a "CSV bomb": a 48 MiB header
 * of commas once took 75 s and 1.6 GB). Both are checked inside the parser, field by field, so a
 * record is refused as soon as it crosses a cap, before it is built.
 */
export const CSV_LIMITS = {
  /** Columns in any record, the header included. */
  maxColumns: 1000,
  /** Characters of field content in one record (csv-parse `max_record_size`). */
  maxRecordBytes: 1024 * 1024,
};
