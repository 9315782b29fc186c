import { minorDigits } from './money';

/**
 * The one place that turns numbers into text for people: money, rates, ratios, counts and dates.
 * Money goes to Intl.NumberFormat as an exact decimal string built from bigint minor units (Intl
 * formats string arguments exactly), never through a JS number.
 */
export type FormatLocale = 'en' | 'ru';

/** Intl locale per UI locale: ru-RU groups with a no-break space and writes `,` for decimals. */
const INTL_LOCALE: Record<FormatLocale, string> = { en: 'en-US', ru: 'ru-RU' };

export function intlLocale(locale: string): string {
  return INTL_LOCALE[locale as FormatLocale] ?? INTL_LOCALE.en;
}

/** "-1350.00" from -135000n with 2 minor digits: the exact decimal text of an amount. */
export function minorToDecimalString(amountMinor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = amountMinor < 0n;
  const abs = negative ? -amountMinor : amountMinor;
  const scale = 10n ** BigInt(digits);
  const whole = (abs / scale).toString();
  const frac = digits === 0 ? '' : `.${(abs % scale).toString().padStart(digits, '0')}`;
  return `${negative ? '-' : ''}${whole}${frac}`;
}

function toBigInt(amount: bigint | string | number): bigint {
  if (typeof amount === 'bigint') return amount;
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) throw new Error(`money amount must be an integer of minor units, got ${amount}`);
    return BigInt(amount);
  }
  if (!/^-?\d+$/.test(amount.trim())) throw new Error(`money amount must be an integer of minor units, got ${amount}`);
  return BigInt(amount.trim());
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * ru `1 350,00 ₽`, en `RUB 1,350.00`: the currency symbol in Russian, the ISO code in English (an
 * English reader may not know `₽`, and `$` is ambiguous); negatives with a minus sign (U+2212).
 */
export function formatMoney(locale: string, amountMinor: bigint | string | number, currency: string): string {
  const code = currency.trim().toUpperCase();
  const key = `${locale}|${code}`;
  let nf = moneyFormats.get(key);
  if (!nf) {
    const digits = minorDigits(code);
    nf = new Intl.NumberFormat(intlLocale(locale), {
      style: 'currency',
      currency: code,
      currencyDisplay: locale === 'ru' ? 'narrowSymbol' : 'code',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormats.set(key, nf);
  }
  const decimal = minorToDecimalString(toBigInt(amountMinor), code);
  // Intl.NumberFormat.format accepts a decimal string and formats it exactly (ECMA-402 v3).
  return nf.format(decimal as unknown as number).replace(/-/g, '\u2212');
}

/**
 * A count divided by a count as a percent, rounded half-up at `decimals` places, exact (bigint
 * arithmetic): 11 of 982 → "1.12%" (en) / "1,12 %" (ru). Null when the denominator is zero.
 */
export function formatRatioAsPercent(locale: string, numerator: number | bigint, denominator: number | bigint, decimals = 2): string | null {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (d === 0n) return null;
  // percent × 10^decimals = n × 100 × 10^decimals / d, half-up (away from zero).
  const scaled = roundHalfUp(n * 100n * 10n ** BigInt(decimals), d);
  return percentText(locale, scaled, decimals);
}

/**
 * Basis points as a percent rounded half-up to `decimals` places: 1255 bp → "12.6%" with decimals=1.
 * With `trim`, trailing zero decimals are dropped (a split setting: "20%", "12.5%").
 */
export function formatBasisPointsPercent(locale: string, bp: number | bigint, decimals = 2, trim = false): string {
  const v = BigInt(bp);
  // bp / 100 = percent; percent × 10^decimals = bp × 10^decimals / 100.
  const scaled = decimals >= 2 ? v * 10n ** BigInt(decimals - 2) : roundHalfUp(v, 10n ** BigInt(2 - decimals));
  return percentText(locale, scaled, decimals, trim ? 0 : decimals);
}

/**
 * numerator / denominator in basis points, rounded half-up (the one rule for a rate kept as a
 * number: 5 of 9 → 5556 bp). Null when the denominator is zero.
 */
export function ratioBasisPoints(numerator: number | bigint, denominator: number | bigint): number | null {
  const d = BigInt(denominator);
  if (d === 0n) return null;
  return Number(roundHalfUp(BigInt(numerator) * 10_000n, d));
}

/** A plain ratio rounded half-up: 7 suppliers for 4 active codes → "1.75" / "1,75". */
export function formatRatio(locale: string, numerator: number | bigint, denominator: number | bigint, decimals = 2): string | null {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (d === 0n) return null;
  const scaled = roundHalfUp(n * 10n ** BigInt(decimals), d);
  return decimalText(locale, scaled, decimals);
}

/** A whole number in the reader's notation: 1909 → "1,909" / "1 909". */
export function formatCount(locale: string, n: number | bigint | string): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 0 }).format(String(n) as unknown as number);
}

/** n / d rounded half away from zero, in bigint. */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  if (d < 0n) return roundHalfUp(-n, -d);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (abs * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

function scaledToDecimal(scaled: bigint, decimals: number): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const scale = 10n ** BigInt(decimals);
  const frac = decimals === 0 ? '' : `.${(abs % scale).toString().padStart(decimals, '0')}`;
  return `${negative ? '-' : ''}${abs / scale}${frac}`;
}

function decimalText(locale: string, scaled: bigint, decimals: number): string {
  const nf = new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return nf.format(scaledToDecimal(scaled, decimals) as unknown as number).replace(/-/g, '\u2212');
}

/**
 * How a percent is written: the Intl locale and options formatBasisPointsPercent uses. A page script
 * that shows a percent as the reader moves a control (the cabinet's split) gets this spec from the
 * server (`{{percentFormat}}`) instead of a formatting rule of its own; it writes the minus as U+2212
 * as percentText does.
 */
export function percentFormatSpec(locale: string, decimals = 2, minimumDecimals = decimals): { locale: string; options: Intl.NumberFormatOptions } {
  return { locale: intlLocale(locale), options: { style: 'percent', minimumFractionDigits: minimumDecimals, maximumFractionDigits: decimals } };
}

function percentText(locale: string, scaled: bigint, decimals: number, minimumDecimals = decimals): string {
  // style 'percent' multiplies by 100, so it gets percent/100 as an exact decimal string; the locale
  // writes its own sign (ru "1,12 %", en "1.12%").
  const spec = percentFormatSpec(locale, decimals, minimumDecimals);
  const nf = new Intl.NumberFormat(spec.locale, spec.options);
  const fraction = scaledToDecimal(scaled, decimals + 2);
  return nf.format(fraction as unknown as number).replace(/-/g, '\u2212');
}

/** The program's time zone when it has none configured. */
export const DEFAULT_TIME_ZONE = 'UTC';

export type DateStyle = 'date' | 'dateTime' | 'dayMonth' | 'month' | 'monthShort';

const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  dateTime: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  dayMonth: { day: 'numeric', month: 'short' },
  month: { month: 'long', year: 'numeric' },
  monthShort: { month: 'short' },
};

/** A date (or date and time) in the reader's locale and the program's time zone. */
export function formatDate(locale: string, value: Date | string | number | null | undefined, style: DateStyle = 'date', timeZone = DEFAULT_TIME_ZONE): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(locale), { ...DATE_OPTIONS[style], timeZone }).format(d);
}

/** "1 строка", "2 строки", "5 строк": picks the Intl.PluralRules category of n. */
export function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(intlLocale(locale)).select(n);
}
