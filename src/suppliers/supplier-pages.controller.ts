import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Public, Roles, SESSION_COOKIE } from '../auth/access.decorators';
import { LimitPerAddress } from '../auth/rate-limit.guard';
import { AuthService } from '../auth/auth.service';
import { Role } from '../auth/role';
import { DomainException } from '../common/errors/domain.exception';
import { PromoCodeQuoteView } from '../promo-codes/promo-code.dto';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { InvoiceView } from '../billing/billing.dto';
import { formatMoney } from '../money/money';
import { SignUpSupplierDto, SupplierView } from './supplier.dto';
import { SupplierService } from './supplier.service';
import './suppliers.messages';

/** First-party cookie remembering the referral code from /join?ref= for 90 days. */
export const REFERRAL_COOKIE = 'hs_ref';
const REFERRAL_COOKIE_MS = 90 * 24 * 3600 * 1000;

@ApiExcludeController()
@Controller()
export class SupplierPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly suppliers: SupplierService,
    private readonly codes: PromoCodeService,
    private readonly auth: AuthService,
  ) {}

  @Get('join')
  @Public()
  join(@Query('ref') ref: string | undefined, @Res() res: Response): void {
    if (typeof ref === 'string' && /^[A-Za-z0-9 -]{1,40}$/.test(ref)) {
      res.cookie(REFERRAL_COOKIE, ref.trim().toUpperCase(), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: REFERRAL_COOKIE_MS });
    }
    res.redirect(303, '/suppliers/signup');
  }

  @Get('suppliers/signup')
  @Public()
  async signUpPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const code = (typeof req.query.code === 'string' ? req.query.code : undefined) ?? this.linkCode(req);
    const { quote, codeError } = await this.quote(code);
    this.views.render('supplier-signup', req, res, { title: this.views.t(req, 'suppliers.signup.title'), form: { promoCode: code ?? '' }, quote, codeError, user: undefined });
  }

  @Post('suppliers/signup')
  @Public()
  @LimitPerAddress('supplier-signup')
  async signUp(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(SignUpSupplierDto, body);
      const result = await this.suppliers.signUp(dto, { linkCode: this.linkCode(req) });
      res.cookie(SESSION_COOKIE, result.accessToken, this.auth.sessionCookieOptions());
      res.clearCookie(REFERRAL_COOKIE, { path: '/' });
      res.redirect(303, '/supplier');
    } catch (err) {
      const { status, error } = pageError(err);
      const { password: _omit, ...form } = body;
      const { quote } = await this.quote(form.promoCode);
      this.views.render('supplier-signup', req, res, { title: this.views.t(req, 'suppliers.signup.title'), form, quote, error, user: undefined }, status);
    }
  }

  @Get('supplier')
  @Roles(Role.Supplier)
  async home(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    this.views.render('supplier-home', req, res, { title: this.views.t(req, 'suppliers.home.title'), supplier: await this.pageModel(user.id) });
  }

  @Post('supplier/subscribe')
  @Roles(Role.Supplier)
  async subscribe(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      await this.suppliers.subscribeForUser(user.id);
      res.redirect(303, '/supplier');
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('supplier-home', req, res, { title: this.views.t(req, 'suppliers.home.title'), supplier: await this.pageModel(user.id), error }, status);
    }
  }

  /** The API view plus money as text for the page. */
  private async pageModel(userId: string): Promise<SupplierView & { billing: { invoices: (InvoiceView & { totalText: string; paidText: string })[] } }> {
    const view = await this.suppliers.viewForUser(userId);
    const invoices = view.billing.invoices.map((i) => ({ ...i, totalText: formatMoney(BigInt(i.total), i.currency), paidText: formatMoney(BigInt(i.amountPaid), i.currency) }));
    return { ...view, billing: { ...view.billing, invoices } };
  }

  private linkCode(req: Request): string | undefined {
    const v = req.cookies?.[REFERRAL_COOKIE];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** The discount a code gives, shown before the supplier submits; or why the code cannot be used. */
  private async quote(code: string | undefined): Promise<{ quote?: PromoCodeQuoteView; codeError?: { code: string; message: string } }> {
    if (!code) return {};
    try {
      return { quote: await this.codes.quote(code) };
    } catch (err) {
      if (err instanceof DomainException) return { codeError: { code: err.code, message: err.message } };
      throw err;
    }
  }
}
