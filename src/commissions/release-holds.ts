import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommissionChange, DomainEvents } from '../events/domain-events';
import { LedgerService } from '../ledger/ledger.service';
import { PostingRequest } from '../ledger/ledger.types';
import { CommissionRepository } from './commission.repository';
import { bonusReleasePosting, releasePosting } from './commission-postings';
import { BonusRepository } from './bonus.repository';

/**
 * Use case "release holds": moves commissions whose hold ended from pending to available; safe on
 * every instance at once. Per claimed batch: one statement claims (SKIP LOCKED) and releases the
 * rows, one postMany writes their `release:<id>` postings. One-off bonuses are held and released the
 * same way (`release:bonus:<id>`), in the same batches.
 */
@Injectable()
export class ReleaseHolds {
  constructor(
    private readonly db: DataSource,
    private readonly commissions: CommissionRepository,
    private readonly ledger: LedgerService,
    private readonly events: DomainEvents,
    private readonly bonuses: BonusRepository,
  ) {}

  async releaseDue(now = new Date(), batch = 500): Promise<number> {
    let released = 0;
    for (;;) {
      const done = await this.db.transaction(async (m) => {
        const rows = await this.commissions.releaseDue(m, now, batch);
        const bonuses = await this.bonuses.releaseDue(m, now, batch);
        const postings: PostingRequest[] = [];
        const available: CommissionChange[] = [];
        const release = (r: (typeof rows)[number], bonus: boolean) => {
          if (r.pending === 0n || !r.referrer_id || !r.currency) return;
          const posted = { ...r, referrer_id: r.referrer_id, currency: r.currency.trim() };
          postings.push(bonus ? bonusReleasePosting(posted) : releasePosting(posted));
          if (r.pending > 0n) available.push({ commissionId: r.id, invoiceId: r.invoice_id, referrerId: r.referrer_id, supplierId: r.supplier_id, amount: r.pending.toString(), currency: r.currency.trim(), cause: 'hold_ended', ...(bonus ? { kind: 'bonus' as const } : {}) });
        };
        for (const r of rows) release(r, false);
        for (const r of bonuses) release(r, true);
        if (postings.length > 0) await this.ledger.postMany(m, postings);
        await this.events.publishMany(m, 'commission.available', available);
        return { count: rows.length + bonuses.length, more: rows.length === batch || bonuses.length === batch };
      });
      released += done.count;
      if (!done.more) return released;
    }
  }
}
