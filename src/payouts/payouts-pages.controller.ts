import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { TwoFactorErrorCode, TwoFactorException } from '../auth/two-factor/two-factor.exception';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import '../auth/two-factor/two-factor.messages';
import { formatDate, formatMoney } from '../money/money-format';
import { monthPeriod, monthText, todayIn } from '../common/zoned-dates';
import { ProgramService } from '../program/program.service';
import { PayeesRepository } from './payees.repository';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { localizedErrorMessage } from '../common/errors/errors.messages';
import { PayoutExecutor } from './payout-executor.service';
import { MarkPayoutFailedDto, PayoutPreviewQuery } from './payouts.dto';
import { PayoutsService } from './payouts.service';
import './payouts.messages';

/** Export links for the current calendar month in the program's time zone. */
export function monthReports(locale: string, timeZone: string, now = new Date()): { period: string; query: string; month: string } {
  const [y, m] = todayIn(timeZone, now);
  const { from, to } = monthPeriod(y, m, timeZone);
  const month = monthText(y, m);
  return { period: formatDate(locale, from, 'month', timeZone), query: `from=${from.toISOString()}&to=${to.toISOString()}`, month: `from=${month}&to=${month}` };
}

/** Finance's payout console: preview → create → approve (second user) → execute → mark bank items. */
@ApiExcludeController()
@Controller('finance/payouts')
export class PayoutsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly payouts: PayoutsService,
    private readonly executor: PayoutExecutor,
    private readonly payees: PayeesRepository,
    private readonly twoFactor: TwoFactorService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  async console(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    await this.renderConsole(req, res, user, {});
  }

  @Post('batches')
  @Roles(Role.Finance)
  async create(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    try {
      const q = await parseForm(PayoutPreviewQuery, { currency: body.currency });
      const batch = await this.payouts.create({ currency: q.currency }, user);
      res.redirect(303, `/finance/payouts/batches/${batch.id}?done=created`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderConsole(req, res, user, { error }, status);
    }
  }

  @Get('batches/:id')
  @Roles(Role.Finance, Role.Admin)
  async batch(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    const done = typeof req.query.done === 'string' && /^[a-z_]+$/.test(req.query.done) ? req.query.done : undefined;
    await this.renderBatch(req, res, user, id, { notice: done ? this.views.t(req, `payouts.done.${done}`) : undefined });
  }

  @Post('batches/:id/:action')
  @Roles(Role.Finance)
  async act(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Param('action') action: string, @Body() body: Record<string, string>): Promise<void> {
    if ((action === 'execute' || action === 'approve') && body?.confirm !== 'yes') {
      await this.renderConfirm(req, res, user, id, action);
      return;
    }
    try {
      if (action === 'execute' || action === 'approve') {
        try {
          await this.twoFactor.checkFresh(user, body?.totpCode);
        } catch (err) {
          // A wrong or missing code: the same question again, the error under the code field.
          if (err instanceof TwoFactorException && err.code !== TwoFactorErrorCode.TWO_FACTOR_SETUP_REQUIRED) {
            await this.renderConfirm(req, res, user, id, action, localizedErrorMessage(req, err.code, err.message, err.details), err.httpStatus);
            return;
          }
          throw err;
        }
      }
      if (action === 'approve') await this.payouts.approve(id, user);
      else if (action === 'execute') await this.executor.execute(id, user);
      else if (action === 'cancel') await this.payouts.cancel(id, user);
      else {
        res.status(404).send('Not found');
        return;
      }
      res.redirect(303, `/finance/payouts/batches/${id}?done=${action}`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderBatch(req, res, user, id, { error }, status);
    }
  }

  @Post('items/:id/mark-paid')
  @Roles(Role.Finance)
  async markPaid(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.mark(req, res, user, id, body, true);
  }

  @Post('items/:id/mark-failed')
  @Roles(Role.Finance)
  async markFailed(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: Record<string, string>): Promise<void> {
    await this.mark(req, res, user, id, body, false);
  }

  private async mark(req: Request, res: Response, user: AuthUser, itemId: string, body: Record<string, string>, paid: boolean): Promise<void> {
    const batchId = String(body.batchId ?? '');
    try {
      const outcome = paid ? { paid: true as const } : { paid: false as const, reason: (await parseForm(MarkPayoutFailedDto, { reason: body.reason ?? '' })).reason ?? '' };
      const item = await this.payouts.markBankItem(itemId, outcome, user);
      res.redirect(303, `/finance/payouts/batches/${item.batchId}?done=${paid ? 'marked_paid' : 'marked_failed'}`);
    } catch (err) {
      const { status, error } = pageError(err);
      if (/^[0-9a-f-]{36}$/.test(batchId)) await this.renderBatch(req, res, user, batchId, { error }, status);
      else res.status(status).json({ error });
    }
  }

  /** Irreversible steps ask first, in words with the count and the amount (works without JavaScript). */
  private async renderConfirm(req: Request, res: Response, user: AuthUser, id: string, action: 'execute' | 'approve', codeError?: string, status = 200): Promise<void> {
    const batch = await this.payouts.batchDetail(id);
    const locale = this.views.locale(req);
    const params = { referrers: this.views.t(req, `plural.referrers.${new Intl.PluralRules(locale).select(batch.itemCount)}`, { n: batch.itemCount }), total: formatMoney(locale, batch.total, batch.currency) };
    this.views.render('confirm', req, res, {
      title: this.views.t(req, `payouts.confirm.${action}.heading`),
      confirm: {
        heading: this.views.t(req, `payouts.confirm.${action}.heading`),
        question: this.views.t(req, `payouts.confirm.${action}.question`, params),
        detail: this.views.t(req, `payouts.confirm.${action}.detail`),
        yes: this.views.t(req, `payouts.confirm.${action}.yes`),
        action: `/finance/payouts/batches/${id}/${action}`,
        back: `/finance/payouts/batches/${id}`,
        fields: [],
        // Moving money asks for a fresh second-factor code when the account has one.
        inputs: (await this.twoFactor.isEnrolled(user.id))
          ? [{ name: 'totpCode', label: this.views.t(req, 'twoFactor.fresh.label'), hint: this.views.t(req, 'twoFactor.fresh.hint'), autocomplete: 'one-time-code', required: true, maxlength: 40, test: 'totp-code', error: codeError }]
          : [],
      },
    }, status);
  }

  private async renderConsole(req: Request, res: Response, user: AuthUser, ctx: Record<string, unknown>, status = 200): Promise<void> {
    const q = await parseForm(PayoutPreviewQuery, { currency: typeof req.query.currency === 'string' ? req.query.currency : undefined }).catch(() => ({ currency: undefined }) as PayoutPreviewQuery);
    const preview = await this.payouts.preview(q.currency, user, 200);
    const batches = await this.payouts.listBatches(30);
    const names = await this.payees.namesOf([...preview.eligible, ...preview.excluded].map((r) => r.referrerId));
    this.views.render(
      'payouts-console',
      req,
      res,
      {
        title: this.views.t(req, 'payouts.title'),
        preview: {
          ...preview,
          eligible: preview.eligible.map((r) => ({ ...r, who: names.get(r.referrerId), methodKey: `payouts.method.${r.method}` })),
          excluded: preview.excluded.map((r) => ({ ...r, who: names.get(r.referrerId), reasonKey: `payouts.reason.${r.reason}` })),
        },
        batches: batches.map((b) => ({ ...b, statusKey: `payouts.status.${b.status}` })),
        canWrite: user.role === Role.Finance,
        reports: monthReports(this.views.locale(req), await this.program.timeZone()),
        ...ctx,
      },
      status,
    );
  }

  private async renderBatch(req: Request, res: Response, user: AuthUser, id: string, ctx: Record<string, unknown>, status = 200): Promise<void> {
    const batch = await this.payouts.batchDetail(id);
    const isFinance = user.role === Role.Finance;
    const names = await this.payees.namesOf(batch.items.map((i) => i.referrerId));
    const items = batch.items.map((i) => ({
      ...i,
      who: names.get(i.referrerId),
      methodKey: `payouts.method.${i.method}`,
      statusKey: `payouts.itemStatus.${i.status}`,
      markable: isFinance && i.method === 'bank' && i.status === 'pending' && ['approved', 'executing'].includes(batch.status),
    }));
    this.views.render(
      'payouts-batch',
      req,
      res,
      {
        title: this.views.t(req, 'payouts.batch.title'),
        batch: { ...batch, statusKey: `payouts.status.${batch.status}`, statusHintKey: `payouts.statusHint.${batch.status}` },
        items,
        anyMarkable: items.some((i) => i.markable),
        canApprove: isFinance && batch.status === 'created' && batch.createdBy !== user.id,
        ownBatch: batch.createdBy === user.id && batch.status === 'created',
        canExecute: isFinance && ['approved', 'executing'].includes(batch.status),
        canCancel: isFinance && ['created', 'approved'].includes(batch.status),
        canExport: ['approved', 'executing'].includes(batch.status),
        ...ctx,
      },
      status,
    );
  }
}
