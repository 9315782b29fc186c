import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProgramService } from '../program/program.service';
import { defaultDiscount, effectiveSplit, EffectiveSplit, isWithinBounds } from './split';
import { SplitView } from './split.dto';
import { SplitErrorCode, SplitException } from './split.exception';
import { ReferrerSplit } from './referrer-split.entity';

@Injectable()
export class SplitService {
  constructor(
    private readonly db: DataSource,
    private readonly program: ProgramService,
  ) {}

  /** The first split of a new referrer, written in the registration transaction. */
  async initial(m: EntityManager, referrerId: string): Promise<void> {
    const s = await this.program.settings(m);
    const split = effectiveSplit(defaultDiscount(s), s);
    await m.insert(ReferrerSplit, { referrerId, ...split });
  }

  /** The split a supplier redeeming the code right now would get, under today's program bounds. */
  async current(referrerId: string, m: EntityManager = this.db.manager): Promise<EffectiveSplit & { since: Date }> {
    const [latest] = await m.find(ReferrerSplit, { where: { referrerId }, order: { id: 'DESC' }, take: 1 });
    const s = await this.program.settings(m);
    return { ...effectiveSplit(latest?.discountBp ?? defaultDiscount(s), s), since: latest?.createdAt ?? new Date(0) };
  }

  async change(referrerId: string, discountBp: number): Promise<SplitView> {
    return this.db.transaction(async (m) => {
      const s = await this.program.settings(m, true);
      if (!isWithinBounds(discountBp, s)) {
        throw new SplitException(SplitErrorCode.SPLIT_OUT_OF_BOUNDS, `The discount must be between ${s.discountMinBp} and ${s.discountMaxBp} basis points`, {
          field: 'discountBp',
          discountMinBp: s.discountMinBp,
          discountMaxBp: s.discountMaxBp,
        });
      }
      const row = await m.save(m.create(ReferrerSplit, { referrerId, discountBp, commissionBp: s.budgetBp - discountBp, budgetBp: s.budgetBp }));
      return { discountBp: row.discountBp, commissionBp: row.commissionBp, budgetBp: row.budgetBp, since: row.createdAt };
    });
  }

  async history(referrerId: string): Promise<SplitView[]> {
    const rows = await this.db.manager.find(ReferrerSplit, { where: { referrerId }, order: { id: 'DESC' } });
    return rows.map((r) => ({ discountBp: r.discountBp, commissionBp: r.commissionBp, budgetBp: r.budgetBp, since: r.createdAt }));
  }
}
