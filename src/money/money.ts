/**
 * Money is integer minor units (bigint) with an ISO 4217 currency; rates are integer basis points.
 * This is the one rounding function: amount × bp / 10 000, half away from zero (half-up for the
 * non-negative amounts commissions are computed on).
 */
export const BP_SCALE = 10_000n;

export function applyBasisPoints(amountMinor: bigint, bp: number): bigint {
  if (!Number.isInteger(bp)) throw new Error(`basis points must be an integer, got ${bp}`);
  const product = amountMinor * BigInt(bp);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs * 2n + BP_SCALE) / (BP_SCALE * 2n);
  return negative ? -rounded : rounded;
}

/** "12.5%" style text for a basis-point figure, exact (no floating point). */
export function formatBasisPoints(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = Math.abs(bp % 100);
  return frac === 0 ? `${whole}%` : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** "1234.56 RUB" from 123456n, exact: machine text (logs, key=value lines). People read money-format.ts formatMoney. */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = amountMinor < 0n;
  const abs = negative ? -amountMinor : amountMinor;
  const scale = 10n ** BigInt(digits);
  const major = abs / scale;
  const minor = abs % scale;
  const text = digits === 0 ? `${major}` : `${major}.${minor.toString().padStart(digits, '0')}`;
  return `${negative ? '-' : ''}${text} ${currency}`;
}

/** ISO 4217 codes this runtime knows. */
export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('currency').includes(code);
}
