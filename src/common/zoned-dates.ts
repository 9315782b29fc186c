/**
 * Calendar dates and months in a named time zone (the program's), turned into the instants that
 * bound them, and back. Periods are half-open: [start of `from`, start of the day after `to`).
 */

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetAt(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(instant);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant as ISO 8601 with the zone's offset ("2026-03-01T01:30:00.000+03:00" in Moscow): the
 * same instant, written as the zone's clock shows it; "…Z" when the zone is at UTC then.
 */
export function isoInZone(instant: Date, timeZone: string): string {
  const offset = Math.round(offsetAt(instant, timeZone) / 60_000);
  if (offset === 0) return instant.toISOString();
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, -1);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The instant a calendar day (y, m 1–12, d) begins in the zone. */
export function startOfDay(y: number, m: number, d: number, timeZone: string): Date {
  return wallClockInstant(y, m, d, 0, 0, timeZone);
}

/** The instant the zone's clocks show y-m-d h:mi (a time skipped by a DST change moves forward). */
function wallClockInstant(y: number, m: number, d: number, h: number, mi: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let t = guess - offsetAt(new Date(guess), timeZone);
  t = guess - offsetAt(new Date(t), timeZone);
  return new Date(t);
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::00(?:\.0+)?)?$/;

/**
 * A form's date and time without a zone ("2026-03-01T09:30", as <input type="datetime-local">
 * sends it) read as the zone's wall clock; null when it is not one.
 */
export function parseLocalDateTime(text: unknown, timeZone: string): Date | null {
  const m = typeof text === 'string' ? LOCAL_DATE_TIME.exec(text.trim()) : null;
  const day = m ? parseDay(m[1]) : null;
  if (!m || !day) return null;
  const [h, mi] = [Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59) return null;
  return wallClockInstant(...day, h, mi, timeZone);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** "2026-11-30" as [y, m, d], or null when it is not a real date. */
export function parseDay(text: unknown): [number, number, number] | null {
  const m = typeof text === 'string' ? DATE.exec(text.trim()) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && y >= 2000 && y <= 2100 ? [y, mo, d] : null;
}

/** "2026-11" as [y, m], or null. */
export function parseMonth(text: unknown): [number, number] | null {
  const m = typeof text === 'string' ? MONTH.exec(text.trim()) : null;
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return mo >= 1 && mo <= 12 && y >= 2000 && y <= 2100 ? [y, mo] : null;
}

/** Today's calendar date in the zone as [y, m, d]. */
export function todayIn(timeZone: string, now = new Date()): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [n('year'), n('month'), n('day')];
}

/** The month [y, m] as the instants [its first day, the next month's first day) in the zone. */
export function monthPeriod(y: number, m: number, timeZone: string): { from: Date; to: Date } {
  return { from: startOfDay(y, m, 1, timeZone), to: m === 12 ? startOfDay(y + 1, 1, 1, timeZone) : startOfDay(y, m + 1, 1, timeZone) };
}

/** The days from–to (both included) as instants [start of from, start of the day after to). */
export function daysPeriod(from: [number, number, number], to: [number, number, number], timeZone: string): { from: Date; to: Date } {
  const next = new Date(Date.UTC(to[0], to[1] - 1, to[2] + 1));
  return { from: startOfDay(...from, timeZone), to: startOfDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone) };
}

export const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
export const monthText = (y: number, m: number): string => `${y}-${pad(m)}`;
export const dayText = (d: [number, number, number]): string => `${d[0]}-${pad(d[1])}-${pad(d[2])}`;
