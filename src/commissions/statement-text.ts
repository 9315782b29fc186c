import { DEFAULT_TIME_ZONE, formatDate, formatMoney } from '../money/money-format';
import { translate, Locale } from '../i18n/messages';
import { StatementEvent } from './statement-events';
import './commissions.messages';

/**
 * One sentence per statement event, in the reader's words (no ledger account or batch id): the
 * referrer's earnings page and the admin's referrer page say the same thing, to the referrer
 * ("paid to your bank account") or, for staff, about them ("paid to the referrer's bank account").
 */
export function describeStatementEvent(locale: Locale, e: StatementEvent, currency: string, voice: 'referrer' | 'staff' = 'referrer', timeZone = DEFAULT_TIME_ZONE): string {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
  const c = e.context;
  const abs = BigInt(e.amount) < 0n ? -BigInt(e.amount) : BigInt(e.amount);
  const params = {
    invoice: c.invoiceNumber ? `№ ${c.invoiceNumber}` : t('statement.noNumber'),
    company: c.supplierCompany ?? t('statement.aSupplier'),
    amount: formatMoney(locale, e.amount, currency),
    amountAbs: formatMoney(locale, abs, currency),
    until: formatDate(locale, c.holdEndsAt, 'dayMonth', timeZone),
    reason: c.failureReason ?? c.adjustmentReason ?? '',
  };
  let key: string = `statement.${e.kind}`;
  if (e.kind === 'commission' && !c.holdEndsAt) key = 'statement.commissionNoHold';
  if (e.kind === 'bonus' && !c.holdEndsAt) key = 'statement.bonusNoHold';
  if (e.kind === 'hold_ended' && c.bonus) key = 'statement.bonus_hold_ended';
  if (e.kind === 'bonus_clawback' && c.bonusIneligible) key = 'statement.bonus_clawback.ended';
  if (e.kind === 'payout_paid') key = c.payoutMethod === 'stripe_connect' ? 'statement.payout_paid.stripe' : 'statement.payout_paid.bank';
  if (e.kind === 'payout_returned') key = c.payoutStatus === 'failed' ? 'statement.payout_returned.failed' : 'statement.payout_returned.cancelled';
  if (voice === 'staff') {
    const staffKey = key.replace(/^statement\./, 'statement.staff.');
    const text = t(staffKey, params);
    if (text !== staffKey) return text;
  }
  return t(key, params);
}
