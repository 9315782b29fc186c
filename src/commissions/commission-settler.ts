import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommissionChange, DomainEvents } from '../events/domain-events';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { bonusEarned, bonusTarget, refundedInFull, CommissionSplit, difference, eligibleRate, InvoiceFacts, isZero, refundedAmount, splitTotal, targetSplit } from './commission-rules';
import { BonusRepository, BonusRow } from './bonus.repository';
import { CommissionFactsRepository, NO_FACTS, RecordedFacts } from './commission-facts.repository';
import { AttributionRow, CommissionRepository, CommissionRow, termsOf } from './commission.repository';
import { bonusPosting, commissionPosting, Trigger } from './commission-postings';

/** The rules' view of a commission row and its recorded refunds/disputes. */
export function invoiceFacts(row: CommissionRow, f: RecordedFacts): InvoiceFacts {
  return {
    paid: row.paid,
    commissionBp: row.commission_bp,
    amountPaid: row.amount_paid,
    total: row.total,
    totalExcludingTax: row.total_excluding_tax,
    refunded: refundedAmount(f.refunds, f.charges),
    disputedOpen: f.disputedOpen,
    disputedLost: f.disputedLost,
    released: row.released_at !== null,
  };
}

/** Sets the rate the row's invoice earns under the attribution's terms (eligibility, months, stop date). */
export function judge(row: CommissionRow, attribution: AttributionRow | null): void {
  row.commission_bp = row.paid && row.paid_at ? eligibleRate(attribution ? termsOf(attribution) : null, row.paid_at) : null;
}

/**
 * The one step every commission use case ends with: for locked commission rows (whose facts the
 * caller has just recorded), recompute each target from all recorded facts, queue a posting for
 * the difference to what is posted (the inbox writes them with one postMany, last in the
 * transaction), and save the rows. A group of events and a single event take this same path.
 */
@Injectable()
export class CommissionSettler {
  constructor(
    private readonly commissions: CommissionRepository,
    private readonly facts: CommissionFactsRepository,
    private readonly events: DomainEvents,
    private readonly bonuses: BonusRepository,
  ) {}

  async settle(m: EntityManager, items: { row: CommissionRow; trigger: Trigger }[], postings: PostingRequest[]): Promise<void> {
    if (items.length === 0) return;
    const facts = await this.facts.facts(
      m,
      items.map((i) => i.row.invoice_id),
    );
    const earned: CommissionChange[] = [];
    const clawedBack: CommissionChange[] = [];
    for (const { row, trigger } of items) {
      const target = row.referrer_id && row.currency ? targetSplit(invoiceFacts(row, facts.get(row.invoice_id) ?? NO_FACTS)) : null;
      if (!target) continue;
      const posted: CommissionSplit = { pending: row.posted_pending, available: row.posted_available, disputed: row.posted_disputed };
      const diff = difference(target, posted);
      if (isZero(diff)) continue;
      const posting = commissionPosting(row, trigger, diff, target);
      postings.push(posting);
      const net = splitTotal(diff);
      if (net !== 0n) {
        const change = { commissionId: row.id, invoiceId: row.invoice_id, referrerId: row.referrer_id!, supplierId: row.supplier_id, amount: (net < 0n ? -net : net).toString(), currency: row.currency!.trim(), cause: causeWord(posting.cause) };
        (net > 0n ? earned : clawedBack).push(change);
      }
      row.posted_pending = target.pending;
      row.posted_available = target.available;
      row.posted_disputed = target.disputed;
      row.adjustments += 1;
    }
    await this.settleBonuses(m, items, facts, postings, earned, clawedBack);
    // Announced in this transaction: a rolled-back settlement announces nothing.
    await this.events.publishMany(m, 'commission.earned', earned);
    await this.events.publishMany(m, 'commission.clawed_back', clawedBack);
    await this.commissions.saveCommissions(
      m,
      [...new Map(items.map((i) => [i.row.id, i.row])).values()],
    );
  }

  private async settleBonuses(m: EntityManager, items: { row: CommissionRow }[], facts: Map<string, RecordedFacts>, postings: PostingRequest[], earned: CommissionChange[], clawedBack: CommissionChange[]): Promise<void> {
    const rows = new Map(items.map((i) => [i.row.invoice_id, i.row]));
    const bonuses = await this.bonuses.lockBonusesOfInvoices(m, [...rows.keys()]);
    if (bonuses.length === 0) return;
    const attributions = await this.commissions.attributionsByIds(
      m,
      bonuses.map((b) => b.attribution_id),
    );
    const moves = settleBonusRows(bonuses, attributions, rows, facts);
    for (const { row, diff, target, refunded } of moves) {
      const posting = bonusPosting(row, diff, target, refunded ? 'refunded' : 'ineligible');
      postings.push(posting);
      const net = splitTotal(diff);
      if (net !== 0n) {
        const change: CommissionChange = { commissionId: row.id, invoiceId: row.invoice_id!, referrerId: row.referrer_id!, supplierId: row.supplier_id, amount: (net < 0n ? -net : net).toString(), currency: row.currency!.trim(), cause: net > 0n ? 'first_payment' : 'refund', kind: 'bonus' };
        (net > 0n ? earned : clawedBack).push(change);
      }
      row.posted_pending = target.pending;
      row.posted_available = target.available;
      row.adjustments += 1;
    }
    await this.bonuses.saveBonuses(
      m,
      moves.map((x) => x.row),
    );
  }
}

/**
 * The one-off bonuses riding on these invoices (each attribution's first paid invoice; the caller
 * holds their commission rows' locks): judged from the attribution's locked terms by the same
 * eligibility rule, taken back when that payment is refunded in full, the difference posted.
 */
function settleBonusRows(
  bonuses: BonusRow[],
  attributions: Map<string, AttributionRow>,
  rows: Map<string, CommissionRow>,
  facts: Map<string, RecordedFacts>,
): { row: BonusRow; diff: CommissionSplit; target: CommissionSplit; refunded: boolean }[] {
  const out: { row: BonusRow; diff: CommissionSplit; target: CommissionSplit; refunded: boolean }[] = [];
  for (const b of bonuses) {
    const invoice = b.invoice_id ? rows.get(b.invoice_id) : undefined;
    const a = attributions.get(b.attribution_id);
    if (!invoice || !a || !b.referrer_id || !b.currency || !b.paid_at) continue;
    const f = facts.get(invoice.invoice_id) ?? NO_FACTS;
    const bf = {
      earned: bonusEarned(termsOf(a), b.paid_at),
      paid: invoice.paid,
      amountPaid: invoice.amount_paid,
      refunded: refundedAmount(f.refunds, f.charges),
      released: b.released_at !== null,
    };
    const target = bonusTarget(bf);
    const diff = difference(target, { pending: b.posted_pending, available: b.posted_available, disputed: 0n });
    if (!isZero(diff)) out.push({ row: b, diff, target, refunded: refundedInFull(bf) });
  }
  return out;
}

/** The posting cause as the webhook payload names it. */
function causeWord(cause: PostingCause): string {
  switch (cause) {
    case PostingCause.Invoice:
      return 'invoice_paid';
    case PostingCause.Refund:
      return 'refund';
    case PostingCause.Dispute:
      return 'dispute';
    case PostingCause.CommissionCorrection:
      return 'correction';
    default:
      return String(cause);
  }
}
