import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { EmailVerificationService, VerificationState } from '../email-verification/email-verification.service';
import '../email-verification/email-verification.messages';
import { formatDate, formatMoney } from '../money/money-format';
import { payoutReadiness } from '../payout-details/payout-readiness';
import '../payout-details/payout-details.messages';
import { ReferrerService } from '../referrers/referrer.service';
import { ChangeSplitDto } from '../splits/split.dto';
import { SplitService } from '../splits/split.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { earningsBarsSvg } from './earnings-chart';
import { ReferrerDashboardView } from './referrer-dashboard.dto';
import { ReferrerDashboardService } from './referrer-dashboard.service';
import './referrer-dashboard.messages';

/**
 * The referrer's cabinet: the figures first (the dashboard, the same as GET
 * /api/referrers/me/dashboard), then the code and link, the split and the offer.
 */
@ApiExcludeController()
@Controller()
export class CabinetPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly referrers: ReferrerService,
    private readonly splits: SplitService,
    private readonly dashboards: ReferrerDashboardService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Get('cabinet')
  @Roles(Role.Referrer)
  async cabinet(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const model = await this.model(req, user.id);
    const email = (model.verification as VerificationState).email;
    const notice =
      req.query.saved === 'split'
        ? this.views.t(req, 'cabinet.splitSaved')
        : req.query.verify === 'sent'
          ? this.views.t(req, 'verifyEmail.resent', { email })
          : req.query.verify === 'done'
            ? this.views.t(req, 'verifyEmail.alreadyDone')
            : undefined;
    this.views.render('cabinet', req, res, { title: this.views.t(req, 'cabinet.title'), ...model, notice });
  }

  @Post('cabinet/split')
  @Roles(Role.Referrer)
  async changeSplit(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(ChangeSplitDto, body);
      await this.splits.change(await this.referrers.referrerIdOfUser(user.id), dto.discountBp);
      res.redirect(303, '/cabinet?saved=split');
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('cabinet', req, res, { title: this.views.t(req, 'cabinet.title'), ...(await this.model(req, user.id)), error, form: body }, status);
    }
  }

  private async model(req: Request, userId: string): Promise<Record<string, unknown>> {
    const referrerId = await this.referrers.referrerIdOfUser(userId);
    const [cabinet, d] = await Promise.all([this.referrers.cabinetForUser(userId), this.dashboards.dashboard(referrerId)]);
    const verification = d.emailState;
    const np = d.nextPayout;
    // Why money is (not) paid, in the words the earnings page uses too (no details, below the minimum);
    // the dashboard's other blockers (negative balance, hold) are listed under it.
    const readiness = payoutReadiness(d.currency, BigInt(d.earnings.available), BigInt(np.minimum), np.payoutDetailsUsable);
    const covered = (kind: string) => (kind === 'below_minimum' && readiness.belowMinimum) || (kind === 'no_payout_details' && readiness.needsDetails);
    return {
      cabinet,
      d,
      verification,
      readiness,
      blockers: np.blockers.filter((b) => !covered(b.kind)),
      chart: this.chart(req, d),
      availableNegative: BigInt(d.earnings.available) < 0n,
      // The bonus card: when the program offers a bonus, or the referrer holds one from earlier terms.
      programBonus: BigInt(d.bonuses.programAmount) > 0n,
      showBonuses: BigInt(d.bonuses.programAmount) > 0n || d.bonuses.count > 0,
      inTransit: BigInt(np.inTransit) > 0n,
    };
  }

  private chart(req: Request, d: ReferrerDashboardView): string {
    const locale = this.views.locale(req);
    const bars = d.months.map((m) => ({ key: m.month, label: formatDate(locale, m.startsAt, 'monthShort', d.timeZone), value: BigInt(m.amount), text: formatMoney(locale, m.amount, d.currency) }));
    return earningsBarsSvg(bars, this.views.t(req, 'dashboard.chartTitle'), formatMoney(locale, 0, d.currency));
  }
}
