import { CommonErrorCode, CommonException } from '../common/errors/common.exception';

/**
 * A percent as people type it ("2,5", "2.5", "10", "2,5 %") → basis points (250). At most two
 * decimals (a basis point is 0.01 %), 0–100 %. Anything else is VALIDATION_FAILED naming the field.
 */
export function parsePercentInput(text: unknown, field: string): number {
  const s = String(text ?? '').replace(/\s|%/g, '');
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(s);
  const bp = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
  if (!match || bp > 10_000) {
    throw new CommonException(CommonErrorCode.VALIDATION_FAILED, `${field} must be a percent from 0 to 100 with at most two decimals, like 2,5 or 2.5`, [{ field }]);
  }
  return bp;
}
