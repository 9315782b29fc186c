import { Inject, Injectable } from '@nestjs/common';
import { supplierState } from '../commissions/earnings.service';
import { APP_CONFIG, AppConfig } from '../config/config';
import { monthPeriod, todayIn } from '../common/zoned-dates';
import { LedgerService } from '../ledger/ledger.service';
import { AccountKind } from '../ledger/ledger.types';
import { ProgramService } from '../program/program.service';
import { StripeInboxService } from '../stripe-webhooks/stripe-inbox.service';
import { WebhookEventView } from '../stripe-webhooks/stripe-webhook.dto';
import { AdminConsoleRepository } from './admin-console.repository';

/** A part of the configuration the program works without, at a cost the dashboard names. */
export type ConfigGap = 'stripe_key' | 'stripe_webhook' | 'stripe_price' | 'smtp';

export interface AdminDashboard {
  currency: string;
  timeZone: string;
  referrers: number;
  suppliersAttributed: number;
  suppliersPaying: number;
  thisMonth: { from: Date; revenue: bigint };
  lastMonth: { from: Date; revenue: bigint };
  pending: bigint;
  available: bigint;
  payouts: { count: number; total: bigint };
  webhooks: { failed: number; deadLetter: number };
  gaps: ConfigGap[];
}

/** The admin's overview: each figure from the service or table that owns it. */
@Injectable()
export class AdminConsoleService {
  constructor(
    private readonly repo: AdminConsoleRepository,
    private readonly program: ProgramService,
    private readonly ledger: LedgerService,
    private readonly inbox: StripeInboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async dashboard(now = new Date()): Promise<AdminDashboard> {
    const [settings, timeZone] = await Promise.all([this.program.settings(), this.program.timeZone()]);
    const currency = settings.currency.trim();
    const [y, m] = todayIn(timeZone, now);
    const thisMonth = monthPeriod(y, m, timeZone);
    const lastMonth = m === 1 ? monthPeriod(y - 1, 12, timeZone) : monthPeriod(y, m - 1, timeZone);
    const suppliers = await this.repo.attributedSuppliers();
    const totals = await this.ledger.totalsByKind([AccountKind.ReferrerPending, AccountKind.ReferrerAvailable], currency);
    return {
      currency,
      timeZone,
      referrers: await this.repo.referrerCount(),
      suppliersAttributed: suppliers.length,
      suppliersPaying: suppliers.filter((s) => supplierState(s) === 'paying').length,
      thisMonth: { from: thisMonth.from, revenue: await this.repo.attributedRevenue(currency, thisMonth.from, thisMonth.to) },
      lastMonth: { from: lastMonth.from, revenue: await this.repo.attributedRevenue(currency, lastMonth.from, lastMonth.to) },
      pending: totals.get(AccountKind.ReferrerPending) ?? 0n,
      available: totals.get(AccountKind.ReferrerAvailable) ?? 0n,
      payouts: await this.repo.payoutsPaid(currency, thisMonth.from, thisMonth.to),
      webhooks: await this.inbox.problemCounts(),
      gaps: this.gaps(),
    };
  }

  /** The events the retry job is still trying (failed) and those it gave up on (dead letters), newest first. */
  async problemEvents(limit: number): Promise<{ failed: WebhookEventView[]; deadLetters: WebhookEventView[]; counts: { failed: number; deadLetter: number } }> {
    const [failed, deadLetters, counts] = await Promise.all([this.inbox.list('failed', limit, 0), this.inbox.list('dead_letter', limit, 0), this.inbox.problemCounts()]);
    return { failed, deadLetters, counts };
  }

  /** Re-queues one event through the inbox's own retry path; returns its status afterwards. */
  async retryEvent(id: string): Promise<WebhookEventView> {
    return this.inbox.retryOne(id);
  }

  /** What the validated configuration lacks. */
  gaps(): ConfigGap[] {
    const gaps: ConfigGap[] = [];
    if (!this.config.stripe.secretKey) gaps.push('stripe_key');
    if (!this.config.stripe.webhookSecret) gaps.push('stripe_webhook');
    if (!this.config.stripe.priceId) gaps.push('stripe_price');
    if (!this.config.mail.smtpUrl) gaps.push('smtp');
    return gaps;
  }
}
