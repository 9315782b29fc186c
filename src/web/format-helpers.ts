import Handlebars from 'handlebars';
import { localizedDefaultText } from '../i18n/default-texts';
import { DateStyle, DEFAULT_TIME_ZONE, formatBasisPointsPercent, formatCount, formatDate, formatMoney, formatRatio, formatRatioAsPercent, minorToDecimalString, percentFormatSpec, pluralCategory } from '../money/money-format';
import { moneyInputExample } from '../money/money-input';
import '../common/errors/errors.messages';
import '../i18n/plurals.messages';
import { Locale, translate } from '../i18n/messages';

type Options = Handlebars.HelperOptions;
const root = (o: Options): { locale: Locale; timeZone?: string } => o.data.root;
/** Handlebars passes the options object last; a missing optional argument arrives as that object. */
const given = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === 'object' && 'hash' in (v as object) && 'data' in (v as object));

/**
 * The page helpers over src/money/money-format.ts, in the reader's locale (the render context's
 * `locale`) and the program's time zone (`timeZone`, UTC when the program has none):
 *   {{money amount currency}}          1 350,00 ₽ / RUB 1,350.00 (amount: bigint minor units or its string)
 *   {{rate numerator denominator}}     8,86 % / 8.86% — half-up, 2 decimals (decimals=N to change); — when the denominator is 0
 *   {{ratio numerator denominator}}    1,75 / 1.75
 *   {{bp basisPoints}}                 12,5 % / 12.5% (trailing zeros dropped; decimals=N fixes the precision)
 *   {{percentFormat}}                  that format as JSON, for a page script that shows a percent live
 *   {{count n}}                        1 909 / 1,909
 *   {{date value}} {{date value "dateTime"}}
 *   {{plural "key" n}}                 the catalog key `key.one|few|many|other` with {n}
 *   {{errorMessage error}}             the catalog message for error.code (errors.CODE), else error.message
 */
export function registerFormatHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('money', (amount: unknown, currency: unknown, o: Options) => {
    if (!given(amount) || amount === '' || !given(currency)) return '';
    return formatMoney(root(o).locale, amount as string, String(currency));
  });
  hbs.registerHelper('rate', (n: unknown, d: unknown, o: Options) => formatRatioAsPercent(root(o).locale, BigInt(n as number), BigInt(d as number), Number(o.hash.decimals ?? 2)) ?? '—');
  hbs.registerHelper('ratio', (n: unknown, d: unknown, o: Options) => formatRatio(root(o).locale, BigInt(n as number), BigInt(d as number), Number(o.hash.decimals ?? 2)) ?? '—');
  hbs.registerHelper('bp', (bp: unknown, o: Options) => {
    if (!given(bp)) return '—';
    const fixed = o.hash.decimals !== undefined;
    return formatBasisPointsPercent(root(o).locale, BigInt(bp as number), fixed ? Number(o.hash.decimals) : 2, !fixed);
  });
  /** `{{percentFormat}}`: the spec {{bp}} writes a percent with (trailing zeros dropped), as JSON for a page script's Intl.NumberFormat. */
  hbs.registerHelper('percentFormat', (o: Options) => JSON.stringify(percentFormatSpec(root(o).locale, 2, 0)));
  /** `{{localText offer.text}}`: a default offer or rules text in the reader's language (src/i18n/default-texts). */
  hbs.registerHelper('localText', (text: unknown, o: Options) => (typeof text === 'string' ? localizedDefaultText(text, root(o).locale) : ''));
  hbs.registerHelper('count', (n: unknown, o: Options) => (given(n) ? formatCount(root(o).locale, n as number) : ''));
  hbs.registerHelper('date', (value: unknown, style: unknown, o?: Options) => {
    const opts = (o ?? style) as Options;
    return formatDate(root(opts).locale, value as Date, (given(style) ? style : 'date') as DateStyle, root(opts).timeZone ?? DEFAULT_TIME_ZONE);
  });
  hbs.registerHelper('plural', (key: string, n: unknown, o: Options) => {
    const locale = root(o).locale;
    const count = Number(n);
    return translate(locale, `${key}.${pluralCategory(locale, count)}`, { ...o.hash, n: formatCount(locale, count) });
  });
  /** `{{fieldError "amount"}}`: the error under the field it is about (id "amount-error" for aria-describedby). */
  hbs.registerHelper('fieldError', (field: string, o: Options) => {
    const error = (o.data.root as { error?: { code?: string; message?: string; details?: unknown; fields?: string[] } }).error;
    if (!error || !(error.fields ?? []).includes(field)) return '';
    const locale = root(o).locale;
    const text = error.code === 'VALIDATION_FAILED' ? translate(locale, 'errors.field.invalid') : errorText(locale, error);
    return new hbs.SafeString(`<p class="field-error" id="${hbs.escapeExpression(field)}-error" data-test="field-error" data-field="${hbs.escapeExpression(field)}">${hbs.escapeExpression(text)}</p>`);
  });
  hbs.registerHelper('invalid', (field: string, o: Options) => {
    const error = (o.data.root as { error?: { fields?: string[] } }).error;
    return error && (error.fields ?? []).includes(field) ? new hbs.SafeString(` aria-invalid="true" aria-describedby="${hbs.escapeExpression(field)}-error"`) : '';
  });
  /** `{{enum "exchange.deal" value}}`: an enum value in words (key prefix.value, else prefix.other); never the raw value when a word exists. */
  hbs.registerHelper('enum', (prefix: string, value: unknown, o: Options) => {
    if (!given(value) || value === '') return '';
    const locale = root(o).locale;
    const key = `${prefix}.${String(value)}`;
    const text = translate(locale, key);
    if (text !== key) return text;
    const other = translate(locale, `${prefix}.other`);
    return other === `${prefix}.other` ? String(value) : other;
  });
  /** `{{moneyInput amount currency}}`: minor units as the value of a money input, in major units ("50000,00" / "50000.00"). */
  hbs.registerHelper('moneyInput', (amount: unknown, currency: unknown, o: Options) => {
    if (!given(amount) || amount === '' || !given(currency)) return '';
    const text = minorToDecimalString(BigInt(String(amount)), String(currency));
    return root(o).locale === 'ru' ? text.replace('.', ',') : text;
  });
  hbs.registerHelper('errorMessage', (error: { code?: string; message?: string; details?: unknown } | undefined, o: Options) => {
    if (!error) return '';
    return errorText(root(o).locale, error);
  });
}

/** The message a person reads for an API error: the catalog's words for its code, else the server's text. */
export function errorText(locale: Locale, error: { code?: string; message?: string; details?: unknown; messageKey?: string }): string {
  if (error.messageKey) return translate(locale, error.messageKey);
  const key = `errors.${error.code}`;
  const params: Record<string, unknown> = error.details && typeof error.details === 'object' && !Array.isArray(error.details) ? { ...(error.details as Record<string, unknown>) } : {};
  if (typeof params.currency === 'string') params.example = moneyInputExample(params.currency, locale);
  const text = translate(locale, key, params);
  if (text !== key) return text;
  // The API's catalog entry for the code (what a JSON client reads) before the English fallback.
  const api = translate(locale, `apiError.${error.code}`, params);
  return api === `apiError.${error.code}` ? (error.message ?? '') : api;
}
