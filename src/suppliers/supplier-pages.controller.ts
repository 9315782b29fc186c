import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClientIp, Public, SESSION_COOKIE } from '../access/access.decorators';
import { LimitPerAddress } from '../auth/rate-limit.guard';
import { AuthService } from '../auth/auth.service';
import { DomainException } from '../common/errors/domain.exception';
import { PromoCodeQuoteView } from '../promo-codes/promo-code.dto';
import { PromoCodeService } from '../promo-codes/promo-code.service';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { errorText } from '../web/format-helpers';
import { SignUpSupplierDto } from './supplier.dto';
import { SupplierService } from './supplier.service';
import { LinkVisitCounter, VISITOR_COOKIE, VISITOR_COOKIE_MS } from '../referral-links/link-visit-counter';
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
    private readonly visits: LinkVisitCounter,
  ) {}

  /**
   * The referral link. Counts the visit (the one write of a GET, see LinkVisitCounter: once per
   * visitor, code and day; never fails the page), remembers the code, goes to the sign-up form.
   */
  @Get('join')
  @Public()
  async join(@Query('ref') ref: string | undefined, @Req() req: Request, @Res() res: Response, @ClientIp() ip: string): Promise<void> {
    if (typeof ref === 'string' && /^[A-Za-z0-9 -]{1,40}$/.test(ref)) {
      res.cookie(REFERRAL_COOKIE, ref.trim().toUpperCase(), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: REFERRAL_COOKIE_MS });
      const visitor = { cookie: req.cookies?.[VISITOR_COOKIE], ip, userAgent: req.headers['user-agent'], method: req.method };
      const id = this.visits.visitorId(visitor);
      if (visitor.cookie !== id) res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: VISITOR_COOKIE_MS, secure: req.secure });
      await this.visits.record(ref, visitor);
    }
    res.redirect(303, '/suppliers/signup');
  }

  @Get('suppliers/signup')
  @Public()
  async signUpPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const code = (typeof req.query.code === 'string' ? req.query.code : undefined) ?? this.linkCode(req);
    const { quote, codeError } = await this.quote(code);
    this.views.render('supplier-signup', req, res, { title: this.views.t(req, 'suppliers.signup.title'), form: { promoCode: code ?? '' }, quote, codeError: codeError && { ...codeError, message: errorText(this.views.locale(req), codeError) }, codeMessages: this.codeMessages(req), user: undefined });
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
      this.views.render('supplier-signup', req, res, { title: this.views.t(req, 'suppliers.signup.title'), form, quote, error, codeMessages: this.codeMessages(req), user: undefined }, status);
    }
  }

  /** The words for each refusal of a typed code, for the page script that checks it as it is typed. */
  private codeMessages(req: Request): string {
    const codes = ['PROMO_CODE_MALFORMED', 'PROMO_CODE_NOT_FOUND', 'PROMO_CODE_PAUSED', 'PROMO_CODE_REVOKED', 'RATE_LIMITED'];
    return JSON.stringify({ ...Object.fromEntries(codes.map((c) => [c, this.views.t(req, `errors.${c}`)])), fallback: this.views.t(req, 'error.generic') });
  }

  private linkCode(req: Request): string | undefined {
    const v = req.cookies?.[REFERRAL_COOKIE];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** The discount a code gives, shown before the supplier submits; or why the code cannot be used. */
  private async quote(code: string | undefined): Promise<{ quote?: PromoCodeQuoteView; codeError?: { code: string; message: string; details?: unknown } }> {
    if (!code) return {};
    try {
      return { quote: await this.codes.quote(code) };
    } catch (err) {
      if (err instanceof DomainException) return { codeError: { code: err.code, message: err.message, details: err.details } };
      throw err;
    }
  }
}
