import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { csvNumber, toCsv } from './csv';

const one = (cell: Parameters<typeof toCsv>[1][number][number]) => toCsv(['h'], [[cell]]).split('\r\n')[1];

describe('the CSV writer', () => {
  it('quotes separators, quotes and line breaks (RFC 4180, CRLF, header row)', () => {
    assert.equal(toCsv(['a', 'b'], [[1n, 'x']]), 'a,b\r\n1,x\r\n');
    assert.equal(one('a,b'), '"a,b"');
    assert.equal(one('say "hi"'), '"say ""hi"""');
    assert.deepEqual(parse(toCsv(['h'], [['two\r\nlines']])), [['h'], ['two\r\nlines']]);
    assert.equal(one(null), '');
    assert.equal(one(undefined), '');
    assert.equal(one(new Date('2026-12-01T10:00:00.000Z')), '2026-12-01T10:00:00.000Z');
    assert.equal(one(true), 'true');
  });

  it('defuses every text cell a spreadsheet would run as a formula', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-1+1', '@SUM(A1)', '\tx', '\rx', "-2+3+cmd|'/Ccalc'!A0@x.ru", '-1500', '-', '＝1+1']) {
      const [, [cell]] = parse(toCsv(['h'], [[evil]]));
      assert.equal(cell, `'${evil}`, JSON.stringify(evil));
    }
    assert.equal(one("-2+3+cmd|'/Ccalc'!A0@x.ru"), "'-2+3+cmd|'/Ccalc'!A0@x.ru");
    assert.equal(one('=A1,B1'), `"'=A1,B1"`);
    // Harmless text is left alone.
    assert.equal(one('a-b=c@d'), 'a-b=c@d');
  });

  it('writes numbers as numbers, negative ones too', () => {
    assert.equal(one(-6667n), '-6667');
    assert.equal(one(-66.67), '-66.67');
    assert.equal(one(csvNumber('-66.67')), '-66.67');
    assert.equal(one(csvNumber('1500.00')), '1500.00');
    assert.throws(() => csvNumber('-1+2'), /not a decimal number/);
    assert.throws(() => csvNumber('=1'), /not a decimal number/);
  });

  it('writes text unchanged only when asked (a file for our own importer)', () => {
    assert.equal(toCsv(['h'], [['-Acme']], { escapeFormulas: false }), 'h\r\n-Acme\r\n');
  });
});
