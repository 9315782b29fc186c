import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommissionFactsRepository } from './commission-facts.repository';
import { refundedAmount } from './commission-rules';

/**
 * How much of each invoice was refunded, as the commission rules count it (refunds that stand, and
 * what a charge reported beyond the refunds known one by one), tax included as Stripe reports money.
 * For the supplier's invoice list; commission follows the same figure.
 */
@Injectable()
export class InvoiceRefunds {
  constructor(
    private readonly db: DataSource,
    private readonly facts: CommissionFactsRepository,
  ) {}

  async refunded(invoiceIds: string[]): Promise<Map<string, bigint>> {
    if (invoiceIds.length === 0) return new Map();
    const facts = await this.facts.facts(this.db.manager, invoiceIds);
    return new Map([...facts].map(([id, f]) => [id, refundedAmount(f.refunds, f.charges)]));
  }
}
