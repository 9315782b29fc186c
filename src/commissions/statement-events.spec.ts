import assert from 'node:assert/strict';
import { StatementLineView } from './earnings.dto';
import { statementEvents } from './statement-events';
import { describeStatementEvent } from './statement-text';
import { formatDate, formatMoney } from '../money/money-format';

let seq = 0;
const at = new Date('2026-01-10T10:00:00Z');
function line(postingId: string, cause: string, account: string, amount: number, balanceAfter: number): StatementLineView {
  seq += 1;
  return { postingId, occurredAt: at, cause, causeRef: `ref${seq}`, description: `internal ${postingId}`, account, amount: String(amount), balanceAfter: String(balanceAfter) };
}

describe('statementEvents (one row per business event)', () => {
  // Newest first, as the ledger returns them: commission, hold end, payout reserved, payout paid, refund.
  const lines = [
    line('5', 'refund', 'referrer_available', -6667, -6667),
    line('4', 'payout', 'referrer_paid', 90000, 90000),
    line('4', 'payout', 'payouts_in_transit', -90000, 0),
    line('3', 'payout', 'payouts_in_transit', 90000, 90000),
    line('3', 'payout', 'referrer_available', -90000, 0),
    line('2', 'hold_release', 'referrer_available', 90000, 90000),
    line('2', 'hold_release', 'referrer_pending', -90000, 0),
    line('1', 'invoice', 'referrer_pending', 90000, 90000),
  ];
  const events = statementEvents(lines);

  it('turns eight ledger entries into five events, newest first', () => assert.deepEqual(events.map((e) => e.kind), ['refund', 'payout_paid', 'payout_reserved', 'hold_ended', 'commission']));
  it('states the change and the balance it belongs to after it', () => {
    assert.deepEqual(
      events.map((e) => [e.amount, e.balance, e.balanceAfter]),
      [
        ['-6667', 'available', '-6667'],
        ['90000', 'paid', '90000'],
        ['-90000', 'available', '0'],
        ['90000', 'available', '90000'],
        ['90000', 'pending', '90000'],
      ],
    );
  });
  it('tells a dispute opened from one lost, and a returned payout from a sent one', () => {
    const more = statementEvents([
      line('8', 'payout', 'referrer_available', 500, 500),
      line('8', 'payout', 'payouts_in_transit', -500, 0),
      line('7', 'dispute', 'referrer_disputed', -1000, 0),
      line('6', 'dispute', 'referrer_disputed', 1000, 1000),
      line('6', 'dispute', 'referrer_available', -1000, 0),
    ]);
    assert.deepEqual(more.map((e) => [e.kind, e.amount]), [['payout_returned', '500'], ['dispute_lost', '-1000'], ['dispute_opened', '1000']]);
  });
  it('reads a one-off bonus and its clawback as their own events, in words with formatted money', () => {
    const bonus = statementEvents(
      [line('10', 'bonus_clawback', 'referrer_available', -500000, 0), line('9', 'bonus', 'referrer_pending', 500000, 500000)],
      new Map([
        ['9', { supplierCompany: 'Vostok Trade', holdEndsAt: new Date('2026-02-09T10:00:00Z'), bonus: true }],
        ['10', { supplierCompany: 'Vostok Trade', bonus: true }],
      ]),
    );
    assert.deepEqual(bonus.map((e) => [e.kind, e.amount, e.balance]), [['bonus_clawback', '-500000', 'available'], ['bonus', '500000', 'pending']]);
    assert.equal(describeStatementEvent('en', bonus[1], 'RUB'), `Bonus for Vostok Trade’s first payment: ${formatMoney('en', 500000n, 'RUB')} pending until ${formatDate('en', new Date('2026-02-09T10:00:00Z'), 'dayMonth')}`);
    assert.equal(describeStatementEvent('ru', bonus[1], 'RUB'), `Бонус за первую оплату от Vostok Trade: ${formatMoney('ru', 500000n, 'RUB')} в ожидании до ${formatDate('ru', new Date('2026-02-09T10:00:00Z'), 'dayMonth')}`);
    assert.match(describeStatementEvent('en', bonus[0], 'RUB'), /^Bonus for Vostok Trade’s first payment taken back, the payment was refunded in full: /);
    assert.match(describeStatementEvent('ru', bonus[0], 'RUB'), /^Бонус за первую оплату от Vostok Trade отменён, оплата возвращена полностью: /);
    const release = { ...statementEvents([line('11', 'hold_release', 'referrer_available', 500000, 500000), line('11', 'hold_release', 'referrer_pending', -500000, 0)])[0], context: { supplierCompany: 'Vostok Trade', bonus: true } };
    assert.match(describeStatementEvent('en', release, 'RUB'), /^Hold ended on the bonus for Vostok Trade’s first payment: /);
  });
});
