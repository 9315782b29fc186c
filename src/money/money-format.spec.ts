import assert from 'node:assert/strict';
import { formatBasisPointsPercent, formatCount, formatDate, formatMoney, formatRatio, formatRatioAsPercent, minorToDecimalString, pluralCategory } from './money-format';
import { MoneyInputErrorCode, MoneyInputException, parseMoneyInput } from './money-input';

const norm = (s: string | null) => (s ?? '').replace(/[\u00A0\u202F]/g, ' ');

describe('formatMoney (the one money formatter)', () => {
  it('writes roubles the Russian way and the English way', () => {
    assert.equal(norm(formatMoney('ru', 135000n, 'RUB')), '1 350,00 ₽');
    assert.equal(norm(formatMoney('en', 135000n, 'RUB')), 'RUB 1,350.00');
  });
  it('uses no-break spaces so an amount never wraps', () => {
    assert.doesNotMatch(formatMoney('ru', 135000n, 'RUB'), / /);
    assert.doesNotMatch(formatMoney('en', 135000n, 'RUB'), / /);
  });
  it('writes zero with its decimals and negatives with a minus sign', () => {
    assert.equal(norm(formatMoney('ru', 0n, 'RUB')), '0,00 ₽');
    assert.equal(norm(formatMoney('ru', -6667n, 'RUB')), '\u221266,67 ₽');
    assert.equal(norm(formatMoney('en', -6667n, 'RUB')), '\u2212RUB 66.67');
  });
  it('takes the currency decimals: JPY none, KWD three', () => {
    assert.equal(norm(formatMoney('en', 1350n, 'JPY')), 'JPY 1,350');
    assert.equal(norm(formatMoney('en', 1350500n, 'KWD')), 'KWD 1,350.500');
  });
  it('is exact beyond 2^53 (formats the decimal string, never a JS number)', () => {
    assert.equal(norm(formatMoney('en', 123456789012345678901n, 'RUB')), 'RUB 1,234,567,890,123,456,789.01');
    assert.equal(norm(formatMoney('ru', 900719925474099399n, 'RUB')), '9 007 199 254 740 993,99 ₽');
  });
  it('accepts the API string form of minor units', () => {
    assert.equal(norm(formatMoney('ru', '500000000', 'RUB')), '5 000 000,00 ₽');
    assert.throws(() => formatMoney('ru', '12.5', 'RUB'));
  });
  it('builds the decimal string exactly', () => {
    assert.equal(minorToDecimalString(-5n, 'RUB'), '-0.05');
    assert.equal(minorToDecimalString(5n, 'JPY'), '5');
    assert.equal(minorToDecimalString(1005n, 'KWD'), '1.005');
  });
});

describe('rates and ratios (one rate formatter)', () => {
  // The funnel: rounded half-up to two decimals, not truncated.
  it('rounds funnel rates half-up to two decimals: 1.12 %, 6.90 %, 8.86 %', () => {
    assert.equal(formatRatioAsPercent('en', 11, 982), '1.12%'); // 1.1201…
    assert.equal(formatRatioAsPercent('en', 1, 89), '1.12%'); // 1.1235… → 1.12
    assert.equal(formatRatioAsPercent('en', 69, 1000), '6.90%');
    assert.equal(formatRatioAsPercent('en', 20, 2899), '0.69%');
    assert.equal(formatRatioAsPercent('en', 131, 1479), '8.86%'); // 8.8573… → 8.86, truncation gives 8.85
    assert.equal(formatRatioAsPercent('en', 1, 8), '12.50%'); // 12.5 exactly
    assert.equal(formatRatioAsPercent('en', 1, 800), '0.13%'); // 0.125 → half-up 0.13
  });
  it('writes the Russian percent with a comma and a space', () => assert.equal(norm(formatRatioAsPercent('ru', 131, 1479)), '8,86 %'));
  it('has no rate over a zero denominator', () => assert.equal(formatRatioAsPercent('en', 0, 0), null));
  it('formats basis points at a stated precision', () => {
    assert.equal(formatBasisPointsPercent('en', 1250, 2), '12.50%');
    assert.equal(formatBasisPointsPercent('en', 1250, 1), '12.5%');
    assert.equal(formatBasisPointsPercent('en', 1255, 1), '12.6%'); // half-up
    assert.equal(formatBasisPointsPercent('en', 1250, 0), '13%');
    assert.equal(norm(formatBasisPointsPercent('ru', 2000, 0)), '20 %');
  });
  it('shows a ratio that is not a percentage as a plain number: suppliers per active code 1.75', () => {
    assert.equal(formatRatio('en', 7, 4), '1.75');
    assert.equal(formatRatio('ru', 7, 4), '1,75');
    assert.equal(formatRatio('en', 2, 3), '0.67');
    assert.equal(formatRatio('en', 1, 0), null);
  });
  it('groups counts in the reader notation', () => {
    assert.equal(formatCount('en', 1909), '1,909');
    assert.equal(norm(formatCount('ru', 1909)), '1 909');
  });
});

describe('dates and plurals', () => {
  it('writes a date in the reader locale and the program time zone', () => {
    const d = new Date('2026-01-14T22:30:00Z');
    assert.equal(formatDate('en', d, 'date', 'UTC'), 'Jan 14, 2026');
    assert.equal(formatDate('en', d, 'date', 'Europe/Moscow'), 'Jan 15, 2026');
    assert.equal(formatDate('ru', d, 'date', 'Europe/Moscow'), '15 янв. 2026 г.');
    assert.equal(formatDate('ru', d, 'dateTime', 'Europe/Moscow'), '15 янв. 2026 г., 01:30');
    assert.equal(formatDate('ru', null), '');
  });
  it('picks Russian one / few / many', () => {
    assert.deepEqual([1, 2, 5, 11, 21, 22, 25].map((n) => pluralCategory('ru', n)), ['one', 'few', 'many', 'many', 'one', 'few', 'many']);
    assert.deepEqual([1, 2].map((n) => pluralCategory('en', n)), ['one', 'other']);
  });
});

describe('parseMoneyInput (the one money parser)', () => {
  const ok = (text: string, currency: string, minor: bigint, allowNegative = false) => assert.equal(parseMoneyInput(text, currency, { allowNegative }), minor, `${text} ${currency}`);
  const refused = (text: unknown, currency: string, code: MoneyInputErrorCode, allowNegative = false) =>
    assert.throws(
      () => parseMoneyInput(text, currency, { allowNegative, field: 'amount' }),
      (e: unknown) => e instanceof MoneyInputException && e.code === code && (e.details as { field: string }).field === 'amount',
      `${String(text)} ${currency}`,
    );

  it('accepts what people type in roubles', () => {
    ok('1350', 'RUB', 135000n);
    ok('1 350,50', 'RUB', 135050n);
    ok('1350.50', 'RUB', 135050n);
    ok('1350,5', 'RUB', 135050n);
    ok('  1350  ', 'RUB', 135000n);
    ok('0,05', 'RUB', 5n);
    ok('0', 'RUB', 0n);
    ok('007', 'RUB', 700n);
    ok('1\u00A0350,50', 'RUB', 135050n); // no-break space
    ok('1\u202F350,50', 'RUB', 135050n); // narrow no-break space (what Intl writes in ru)
    ok('1\u2009350,50', 'RUB', 135050n); // thin space
    ok('12 345 678,90', 'RUB', 1234567890n);
    ok('5 000 000', 'RUB', 500000000n);
  });
  it('is exact for huge amounts (no floating point)', () => {
    ok('92233720368547758,07', 'RUB', 9223372036854775807n);
    ok('123 456 789 012 345 678 901,23', 'RUB', 12345678901234567890123n);
    ok('9007199254740993', 'JPY', 9007199254740993n);
  });
  it('takes each currency decimals: JPY 0, RUB 2, KWD 3', () => {
    ok('1350', 'JPY', 1350n);
    refused('1350,5', 'JPY', MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS);
    ok('1,350', 'KWD', 1350n); // one separator: 1.350 KWD
    ok('1 350,505', 'KWD', 1350505n);
    refused('1,3505', 'KWD', MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS);
    refused('1350,505', 'RUB', MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS);
    refused('1,350', 'RUB', MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS); // never read as one thousand three hundred fifty
  });
  it('refuses negatives unless allowed', () => {
    refused('-10', 'RUB', MoneyInputErrorCode.MONEY_NEGATIVE);
    refused('\u221210', 'RUB', MoneyInputErrorCode.MONEY_NEGATIVE);
    ok('-10,50', 'RUB', -1050n, true);
    ok('\u22121 350', 'RUB', -135000n, true);
    ok('-0', 'RUB', 0n);
  });
  it('refuses everything else with MONEY_INVALID', () => {
    for (const bad of ['', '   ', '1,350.50', '1.350,50', '1 350.000,00', '1..5', '1,', ',5', '.5', '1\'350', '1_350', '12 34', '1  350', '1 3500', ' 1 35', '1e3', '0x10', 'RUB 10', '10 ₽', '10р', 'abc', '+10', '--1', '- 1', '1 350 ,50', 'Infinity', 'NaN', '١٢٣'])
      refused(bad, 'RUB', MoneyInputErrorCode.MONEY_INVALID, true);
    refused(undefined, 'RUB', MoneyInputErrorCode.MONEY_INVALID);
    refused({}, 'RUB', MoneyInputErrorCode.MONEY_INVALID);
  });
  it('round-trips what the formatter writes in Russian', () => {
    for (const minor of [0n, 5n, 135050n, 123456789012345n]) ok(formatMoney('ru', minor, 'RUB').replace(/\s?₽$/, ''), 'RUB', minor);
  });
  it('says in the message how to type it, with an example', () => {
    assert.throws(() => parseMoneyInput('1,350.50', 'RUB'), /like 1350\.50 or 1 350,50/);
    assert.throws(() => parseMoneyInput('1,505', 'RUB'), /at most 2 digits/);
  });
});
