import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PostingRequest } from '../ledger/ledger.types';
import { CommissionSplit, difference, eligibleRate, InvoiceFacts, isZero, refundedAmount, targetSplit } from './commission-rules';
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
  ) {}

  async settle(m: EntityManager, items: { row: CommissionRow; trigger: Trigger }[], postings: PostingRequest[]): Promise<void> {
    if (items.length === 0) return;
    const facts = await this.facts.facts(
      m,
      items.map((i) => i.row.invoice_id),
    );
    for (const { row, trigger } of items) {
      const target = row.referrer_id && row.currency ? targetSplit(invoiceFacts(row, facts.get(row.invoice_id) ?? NO_FACTS)) : null;
      if (!target) continue;
      const posted: CommissionSplit = { pending: row.posted_pending, available: row.posted_available, disputed: row.posted_disputed };
      const diff = difference(target, posted);
      if (isZero(diff)) continue;
      postings.push(commissionPosting(row, trigger, diff, target));
      row.posted_pending = target.pending;
      row.posted_available = target.available;
      row.posted_disputed = target.disputed;
      row.adjustments += 1;
    }
    await this.commissions.saveCommissions(
      m,
      [...new Map(items.map((i) => [i.row.id, i.row])).values()],
    );
  }
}
