import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthUser } from '../access/access.decorators';
import { CreateAdjustmentDto } from '../adjustments/adjustments.dto';
import { adjustmentReason, AdjustmentsService } from '../adjustments/adjustments.service';
import { LedgerService } from '../ledger/ledger.service';
import { parseMoneyInput } from '../money/money-input';
import { ProgramService } from '../program/program.service';
import { ReferrerService } from '../referrers/referrer.service';
import { parseForm } from '../web/form';
import type { Who } from './finance-console.service';

export const ADJUSTMENTS_PAGE = 30;

/** What the adjustment form posts: the chosen referrer, a direction, an amount in major units, a reason and the form's key. */
export interface AdjustmentForm {
  referrerId?: string;
  direction?: string;
  amount?: string;
  reason?: string;
  key?: string;
}

export interface ChosenReferrer {
  id: string;
  who: Who;
  available: bigint;
}

/** The adjustments page: the list (paged), the referrer search step, the form and its confirmation. */
@Injectable()
export class FinanceAdjustmentsService {
  constructor(
    private readonly adjustments: AdjustmentsService,
    private readonly referrers: ReferrerService,
    private readonly ledger: LedgerService,
    private readonly program: ProgramService,
  ) {}

  async currency(): Promise<string> {
    return (await this.program.settings()).currency.trim();
  }

  /** One page of adjustments, newest first, each with the referrer's name and company. */
  async list(page: number): Promise<{ rows: (Awaited<ReturnType<AdjustmentsService['list']>>[number] & { who?: Who })[]; total: number; pages: number }> {
    const total = await this.adjustments.count();
    const rows = await this.adjustments.list(undefined, ADJUSTMENTS_PAGE, (page - 1) * ADJUSTMENTS_PAGE);
    const names = await this.referrers.namesOf(rows.map((r) => r.referrerId));
    return { rows: rows.map((r) => ({ ...r, who: names.get(r.referrerId) })), total, pages: Math.max(1, Math.ceil(total / ADJUSTMENTS_PAGE)) };
  }

  search(q: string): ReturnType<ReferrerService['search']> {
    return this.referrers.search(q, 20);
  }

  /** The referrer the form is for, with the available balance now; null when there is no such referrer. */
  async chosen(referrerId: string | undefined): Promise<ChosenReferrer | null> {
    if (!referrerId || !/^[0-9a-f-]{36}$/i.test(referrerId)) return null;
    const who = (await this.referrers.namesOf([referrerId])).get(referrerId);
    if (!who) return null;
    const balances = await this.ledger.balances(referrerId, await this.currency());
    return { id: referrerId, who, available: balances.available };
  }

  /** The adjustment a successful post made (for the flash), with the referrer's balance now. */
  async done(id: string | undefined): Promise<{ amount: string; currency: string; who?: Who; available: bigint } | null> {
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    const a = await this.adjustments.one(id);
    if (!a) return null;
    const who = (await this.referrers.namesOf([a.referrerId])).get(a.referrerId);
    return { amount: a.amount, currency: a.currency, who, available: (await this.ledger.balances(a.referrerId, a.currency)).available };
  }

  /** A fresh key for a form about to be shown: posting it twice posts once. */
  newKey(): string {
    return randomUUID();
  }

  /** The form as the API's DTO: the amount in minor units, signed by the direction. Throws field errors. */
  async toDto(form: AdjustmentForm): Promise<CreateAdjustmentDto> {
    const currency = await this.currency();
    const minor = parseMoneyInput(form.amount ?? '', currency, { field: 'amount' });
    const signed = form.direction === 'debit' ? -minor : minor;
    adjustmentReason(form.reason ?? '');
    return parseForm(CreateAdjustmentDto, { referrerId: form.referrerId, amount: signed.toString(), reason: form.reason ?? '', idempotencyKey: form.key });
  }

  create(dto: CreateAdjustmentDto, user: AuthUser): ReturnType<AdjustmentsService['create']> {
    return this.adjustments.create(dto, user);
  }
}
