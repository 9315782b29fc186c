import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommissionChange, DomainEvents } from '../events/domain-events';
import { PostingCause, PostingRequest } from '../ledger/ledger.types';
import { CommissionSplit, difference, eligibleRate, InvoiceFacts, isZero, refundedAmount, splitTotal, targetSplit } from './commission-rules';
import { CommissionFactsRepository, NO_FACTS, RecordedFacts } from './commission-facts.repository';
import { AttributionRow, CommissionRepository, CommissionRow, termsOf } from './commission.repository';
import { commissionPosting, Trigger } from './commission-postings';

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
    // Announced in this transaction: a rolled-back settlement announces nothing.
    await this.events.publishMany(m, 'commission.earned', earned);
    await this.events.publishMany(m, 'commission.clawed_back', clawedBack);
    await this.commissions.saveCommissions(
      m,
      [...new Map(items.map((i) => [i.row.id, i.row])).values()],
    );
  }
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
