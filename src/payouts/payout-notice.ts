import type { NotificationKind, Recipient } from '../mail/notification-kinds';
import { PayeeKind } from '../payout-details/payout-details.entity';

/** Which notification tells a payee of its settled payout item, and who gets it: the one rule for both kinds of payee. */
const NOTICES: Record<PayeeKind, { sent: NotificationKind; failed: NotificationKind; to: (payeeId: string) => Recipient; idKey: 'referrerId' | 'memberId' }> = {
  [PayeeKind.Referrer]: { sent: 'referrer.payout_sent', failed: 'referrer.payout_failed', to: (referrerId) => ({ referrerId }), idKey: 'referrerId' },
  [PayeeKind.ExchangeMember]: { sent: 'partner.payout_sent', failed: 'partner.payout_failed', to: (memberId) => ({ memberId }), idKey: 'memberId' },
};

/**
 * The notification of a settled item: a referrer hears it as a referrer (its cabinet), an exchange
 * member as a partner company (its statement and payout details). The payload names the payee
 * under the key its kind's mail reads (referrerId or memberId). Dedupe keys are the same for both.
 */
export function payoutNotice(
  item: { id: string; payeeKind: PayeeKind; payeeId: string; amount: bigint; currency: string; method: string },
  paid: boolean,
): { kind: NotificationKind; to: Recipient; payload: Record<string, string>; dedupeKey: string } {
  const rule = NOTICES[item.payeeKind] ?? NOTICES[PayeeKind.Referrer];
  return {
    kind: paid ? rule.sent : rule.failed,
    to: rule.to(item.payeeId),
    payload: { [rule.idKey]: item.payeeId, payoutItemId: item.id, amount: item.amount.toString(), currency: item.currency, method: item.method },
    dedupeKey: `${paid ? 'payout-sent' : 'payout-failed'}:${item.id}`,
  };
}
