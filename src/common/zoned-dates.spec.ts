import assert from 'node:assert/strict';
import { daysPeriod, isoInZone, monthPeriod, parseLocalDateTime, startOfDay, todayIn } from './zoned-dates';
import { toCsv } from './csv/csv';

const PAYMENT = new Date('2026-02-28T22:30:00Z');
const inMonth = (at: Date, y: number, m: number, zone: string) => {
  const p = monthPeriod(y, m, zone);
  return at >= p.from && at < p.to;
};

describe('calendar days and months in the program zone', () => {
  it('a day in Europe/Moscow starts three hours before the UTC one', () => {
    assert.equal(startOfDay(2026, 3, 1, 'Europe/Moscow').toISOString(), '2026-02-28T21:00:00.000Z');
    assert.equal(startOfDay(2026, 3, 1, 'UTC').toISOString(), '2026-03-01T00:00:00.000Z');
  });

  it('a payment at 2026-02-28T22:30Z is March in Moscow and February in UTC', () => {
    assert.equal(inMonth(PAYMENT, 2026, 3, 'Europe/Moscow'), true);
    assert.equal(inMonth(PAYMENT, 2026, 2, 'Europe/Moscow'), false);
    assert.equal(inMonth(PAYMENT, 2026, 2, 'UTC'), true);
    assert.equal(inMonth(PAYMENT, 2026, 3, 'UTC'), false);
    assert.deepEqual(todayIn('Europe/Moscow', PAYMENT), [2026, 3, 1]);
    assert.deepEqual(todayIn('UTC', PAYMENT), [2026, 2, 28]);
    const month = (timeZone: string) => new Intl.DateTimeFormat('en', { month: 'long', timeZone }).format(PAYMENT);
    assert.deepEqual([month('Europe/Moscow'), month('UTC')], ['March', 'February']);
  });

  it('a filter "from 2026-03-01 to 2026-03-01" is [2026-02-28T21:00Z, 2026-03-01T21:00Z) in Moscow', () => {
    const p = daysPeriod([2026, 3, 1], [2026, 3, 1], 'Europe/Moscow');
    assert.deepEqual([p.from.toISOString(), p.to.toISOString()], ['2026-02-28T21:00:00.000Z', '2026-03-01T21:00:00.000Z']);
    assert.ok(PAYMENT >= p.from && PAYMENT < p.to);
    const utc = daysPeriod([2026, 3, 1], [2026, 3, 1], 'UTC');
    assert.ok(PAYMENT < utc.from);
  });

  it('months across a daylight saving change keep their wall-clock bounds', () => {
    const march = monthPeriod(2026, 3, 'Europe/Berlin');
    assert.equal(march.from.toISOString(), '2026-02-28T23:00:00.000Z'); // CET
    assert.equal(march.to.toISOString(), '2026-03-31T22:00:00.000Z'); // CEST
    assert.equal(monthPeriod(2026, 12, 'Europe/Moscow').to.toISOString(), '2026-12-31T21:00:00.000Z');
  });

  it('a form date and time is the zone wall clock; anything else is null', () => {
    assert.equal(parseLocalDateTime('2026-03-01T09:30', 'Europe/Moscow')?.toISOString(), '2026-03-01T06:30:00.000Z');
    assert.equal(parseLocalDateTime('2026-03-01T09:30', 'UTC')?.toISOString(), '2026-03-01T09:30:00.000Z');
    assert.equal(parseLocalDateTime('2026-07-01T09:30', 'Europe/Berlin')?.toISOString(), '2026-07-01T07:30:00.000Z');
    for (const bad of ['2026-02-30T09:30', '2026-03-01T24:00', '2026-03-01', 'tomorrow', '', null]) assert.equal(parseLocalDateTime(bad, 'UTC'), null, String(bad));
  });

  it('writes an instant as the zone clock with its offset (CSV files), UTC unchanged', () => {
    assert.equal(isoInZone(PAYMENT, 'Europe/Moscow'), '2026-03-01T01:30:00.000+03:00');
    assert.equal(isoInZone(PAYMENT, 'America/St_Johns'), '2026-02-28T19:00:00.000-03:30');
    assert.equal(isoInZone(PAYMENT, 'UTC'), '2026-02-28T22:30:00.000Z');
    assert.equal(new Date(isoInZone(PAYMENT, 'Asia/Kolkata')).getTime(), PAYMENT.getTime());
    assert.equal(toCsv(['at'], [[PAYMENT]], { timeZone: 'Europe/Moscow' }), 'at\r\n2026-03-01T01:30:00.000+03:00\r\n');
    assert.equal(toCsv(['at'], [[PAYMENT]]), 'at\r\n2026-02-28T22:30:00.000Z\r\n');
  });
});
