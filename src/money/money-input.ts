import { DomainException, unreachable } from '../common/errors/domain.exception';
import { minorDigits } from './money';

/**
 * Reads an amount as people type it into a form, in major units, exactly (string → bigint).
 *
 * Grammar (after trimming surrounding whitespace):
 *
 *   amount   = [sign] integer [decimal]
 *   sign     = "-" | "−" (U+2212)             only where negatives are allowed
 *   integer  = digits                          "1350", "0", "0007"
 *            | d{1,3} (space d{3})+            "1 350", "12 345 678" (groups of exactly three)
 *   space    = one of U+0020, U+00A0 (no-break), U+202F (narrow no-break), U+2009 (thin)
 *   decimal  = ("," | ".") d{1,k}              k = the currency's minor digits (RUB 2, JPY 0, KWD 3)
 *
 * So at most ONE decimal separator, and group separators are only spaces: "1350", "1 350,50",
 * "1350.50" are accepted; "1,350.50", "1.350,50", "1'350", "1_350", "12 34", "1e3", "RUB 10" are
 * refused (MONEY_INVALID). "1,350" is one comma, so it is 1.350, which has three decimals: refused
 * for RUB (MONEY_TOO_MANY_DECIMALS) and the reader sees an example in the message, never a
 * silent thousandfold misreading.
 */
export enum MoneyInputErrorCode {
  MONEY_INVALID = 'MONEY_INVALID',
  MONEY_TOO_MANY_DECIMALS = 'MONEY_TOO_MANY_DECIMALS',
  MONEY_NEGATIVE = 'MONEY_NEGATIVE',
}

export class MoneyInputException extends DomainException<MoneyInputErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case MoneyInputErrorCode.MONEY_INVALID:
      case MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS:
      case MoneyInputErrorCode.MONEY_NEGATIVE:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}

export interface MoneyInputOptions {
  /** Accept a leading minus (adjustments). Default false. */
  allowNegative?: boolean;
  /** The form field, carried in the error details so the page shows the message beside it. */
  field?: string;
}

const GROUP = '[ \\u00A0\\u202F\\u2009]';
const INTEGER = new RegExp(`^(?:\\d+|\\d{1,3}(?:${GROUP}\\d{3})+)$`);

/** An example of a well-formed amount for a currency, as the message shows it: "1 350,50" / "1350.50". */
export function moneyInputExample(currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const frac = digits === 0 ? '' : '5'.padEnd(digits, '0');
  return locale === 'ru' ? `1 350${frac ? `,${frac}` : ''}` : `1350${frac ? `.${frac}` : ''}`;
}

/** Major units as typed → integer minor units. Throws MoneyInputException with details { field, currency, decimals, example }. */
export function parseMoneyInput(text: unknown, currency: string, opts: MoneyInputOptions = {}): bigint {
  const code = currency.trim().toUpperCase();
  const digits = minorDigits(code);
  const details = { field: opts.field, currency: code, decimals: digits };
  const fail = (c: MoneyInputErrorCode, message: string): never => {
    throw new MoneyInputException(c, message, details);
  };
  const invalidMessage = `Type an amount in ${code} like ${moneyInputExample(code, 'en')} or ${moneyInputExample(code, 'ru')}`;
  if (typeof text !== 'string' && typeof text !== 'number') return fail(MoneyInputErrorCode.MONEY_INVALID, invalidMessage);
  let s = String(text).trim();
  let negative = false;
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    negative = true;
    s = s.slice(1);
  }
  const separators = s.match(/[.,]/g) ?? [];
  if (s === '' || separators.length > 1) return fail(MoneyInputErrorCode.MONEY_INVALID, invalidMessage);
  const [intPart, fracPart = ''] = separators.length === 1 ? s.split(/[.,]/) : [s];
  if (!INTEGER.test(intPart) || (separators.length === 1 && !/^\d+$/.test(fracPart))) return fail(MoneyInputErrorCode.MONEY_INVALID, invalidMessage);
  if (fracPart.length > digits) {
    return fail(
      MoneyInputErrorCode.MONEY_TOO_MANY_DECIMALS,
      digits === 0 ? `${code} has no minor unit: type a whole amount like 1350` : `${code} has at most ${digits} digits after the decimal separator, like ${moneyInputExample(code, 'en')}`,
    );
  }
  const minor = BigInt(intPart.replace(new RegExp(GROUP, 'g'), '') + fracPart.padEnd(digits, '0'));
  if (negative && minor !== 0n && !opts.allowNegative) return fail(MoneyInputErrorCode.MONEY_NEGATIVE, `The amount cannot be negative: type it like ${moneyInputExample(code, 'en')}`);
  return negative ? -minor : minor;
}
