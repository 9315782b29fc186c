import { Injectable } from '@nestjs/common';
import { EarningsService } from '../commissions/earnings.service';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { ProgramService } from '../program/program.service';
import { ReferralLinksRepository } from '../referral-links/referral-links.repository';
import { nextPayout } from './next-payout';
import { ReferrerDashboardView } from './referrer-dashboard.dto';

/**
 * The referrer's figures, for the cabinet page and GET /api/referrers/me/dashboard alike: link
 * visits, suppliers signed up and paying, balances (EarningsService, the earnings API's figures),
 * earnings by month, the next payout and the per-code path.
 */
@Injectable()
export class ReferrerDashboardService {
  constructor(
    private readonly earnings: EarningsService,
    private readonly program: ProgramService,
    private readonly details: PayoutDetailsService,
    private readonly links: ReferralLinksRepository,
    private readonly verification: EmailVerificationService,
  ) {}

  async dashboard(referrerId: string, now = new Date()): Promise<ReferrerDashboardView> {
    const [settings, timeZone] = await Promise.all([this.program.settings(), this.program.timeZone()]);
    const currency = settings.currency.trim();
    const [all, months, holds, details, paths, email, bonuses] = await Promise.all([
      this.earnings.earnings(referrerId),
      this.earnings.byMonth(referrerId, currency, timeZone, 12, now),
      this.earnings.holds(referrerId, currency),
      this.details.view(referrerId),
      this.links.paths({ referrerId, limit: 100, offset: 0 }),
      this.verification.stateOfReferrer(referrerId),
      this.earnings.bonuses(referrerId, currency),
    ]);
    const earnings = all.find((e) => e.currency === currency) ?? all[0];
    const minimum = BigInt(settings.payoutMinimum);
    const plan = nextPayout({ available: BigInt(earnings.available), pending: BigInt(earnings.pending) }, minimum, details.usable, holds, currency, email.payoutsWait);
    const codes = paths.rows;
    const sum = (f: (c: (typeof codes)[number]) => number) => codes.reduce((n, c) => n + f(c), 0);
    return {
      currency,
      timeZone,
      visits: { people: sum((c) => c.visitsPeople), bots: sum((c) => c.visitsBots) },
      suppliersSignedUp: sum((c) => c.signUps),
      suppliersPaying: sum((c) => c.paying),
      earnings,
      bonuses: { count: bonuses.count, amount: bonuses.amount.toString(), programAmount: settings.bonusAmount.toString(), programMode: settings.bonusMode },
      months,
      nextPayout: {
        state: plan.state,
        amount: plan.amount.toString(),
        expectedAt: plan.expectedAt,
        minimum: minimum.toString(),
        payoutDetailsUsable: details.usable,
        inTransit: earnings.inTransit,
        blockers: plan.blockers.map((b) => ({ kind: b.kind, amount: b.amount.toString(), until: b.until })),
      },
      codes,
      emailState: email,
    };
  }
}
