import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { formatMoney } from '../money/money-format';
import { ProgramService } from '../program/program.service';
import { moneyInputExample } from '../money/money-input';
import { pageError, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { AdjustmentForm, FinanceAdjustmentsService } from './finance-adjustments.service';
import './finance-console.messages';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Finance adjusts a referrer's balance: find the referrer (a search that works without JavaScript),
 * type the amount in major units with credit or debit and a reason, confirm in words, posted once.
 */
@ApiExcludeController()
@Controller('finance/adjustments')
export class FinanceAdjustmentsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly page: FinanceAdjustmentsService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  async list(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const done = await this.page.done(str(req.query.done));
    const locale = this.views.locale(req);
    const notice = done
      ? this.views.t(req, 'finance.adjust.done', {
          amount: formatMoney(locale, done.amount, done.currency),
          who: done.who ? `${done.who.fullName} · ${done.who.companyName}` : '',
          balance: formatMoney(locale, done.available, done.currency),
        })
      : undefined;
    await this.render(req, res, user, { notice, referrerId: str(req.query.referrer) });
  }

  @Post()
  @Roles(Role.Finance)
  async post(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser, @Body() body: Record<string, string>): Promise<void> {
    const form: AdjustmentForm = { referrerId: str(body.referrerId), direction: body.direction === 'debit' ? 'debit' : 'credit', amount: str(body.amount), reason: str(body.reason), key: str(body.key) };
    try {
      const dto = await this.page.toDto(form);
      if (body.confirm !== 'yes') {
        await this.renderConfirm(req, res, form, BigInt(dto.amount));
        return;
      }
      const made = await this.page.create(dto, user);
      res.redirect(303, `/finance/adjustments?done=${made.id}`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, user, { error, form, referrerId: form.referrerId }, status);
    }
  }

  /** "Credit 1 350,00 ₽ to Anna Petrova · Retail Co?" with the balance it leaves; the form's values ride along hidden. */
  private async renderConfirm(req: Request, res: Response, form: AdjustmentForm, signed: bigint): Promise<void> {
    const chosen = await this.page.chosen(form.referrerId);
    const currency = await this.page.currency();
    const locale = this.views.locale(req);
    const who = chosen ? `${chosen.who.fullName} · ${chosen.who.companyName}` : '';
    const amount = formatMoney(locale, signed < 0n ? -signed : signed, currency);
    const after = formatMoney(locale, (chosen?.available ?? 0n) + signed, currency);
    this.views.render('confirm', req, res, {
      title: this.views.t(req, 'finance.adjust.confirm.heading'),
      confirm: {
        heading: this.views.t(req, 'finance.adjust.confirm.heading'),
        question: this.views.t(req, signed < 0n ? 'finance.adjust.confirm.debit' : 'finance.adjust.confirm.credit', { amount, who }),
        detail: this.views.t(req, 'finance.adjust.confirm.detail', { reason: form.reason?.trim() ?? '', after }),
        yes: this.views.t(req, 'finance.adjust.confirm.yes'),
        action: '/finance/adjustments',
        back: `/finance/adjustments?referrer=${encodeURIComponent(form.referrerId ?? '')}`,
        fields: Object.entries(form).map(([name, value]) => ({ name, value })),
      },
    });
  }

  private async render(req: Request, res: Response, user: AuthUser, ctx: { referrerId?: string; form?: AdjustmentForm; [k: string]: unknown }, status = 200): Promise<void> {
    const pageNo = pageNumber(req.query.page);
    const q = str(req.query.q).slice(0, 200);
    const currency = await this.page.currency();
    const chosen = await this.page.chosen(ctx.referrerId);
    const list = await this.page.list(pageNo);
    const link = (p: number) => `/finance/adjustments?page=${p}`;
    this.views.render(
      'finance-adjustments',
      req,
      res,
      {
        title: this.views.t(req, 'finance.adjust.title'),
        timeZone: await this.program.timeZone(),
        canWrite: user.role === Role.Finance,
        currency,
        q,
        matches: q && !chosen ? await this.page.search(q) : null,
        chosen: chosen ? { ...chosen, available: chosen.available.toString() } : null,
        form: ctx.form ?? { direction: 'credit' },
        key: ctx.form?.key && (ctx.error as { code?: string } | undefined)?.code !== 'ADJUSTMENT_KEY_REUSED' ? ctx.form.key : this.page.newKey(),
        amountExample: moneyInputExample(currency, this.views.locale(req)),
        list: { ...list, page: pageNo, prev: pageNo > 1 ? link(pageNo - 1) : null, next: pageNo < list.pages ? link(pageNo + 1) : null },
        ...ctx,
      },
      status,
    );
  }
}
