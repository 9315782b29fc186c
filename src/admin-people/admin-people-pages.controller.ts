import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { AttributionErrorCode, AttributionException } from '../suppliers/attribution.exception';
import { pageError, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { AdminPeopleService } from './admin-people.service';
import './admin-people.messages';
import '../commissions/commissions.messages';

const SEARCH_PAGE = 25;
const CANDIDATES = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The field of the attribution form an error is about, so the page shows it under that field. */
const FIELD_OF: Partial<Record<string, string>> = {
  [AttributionErrorCode.ATTRIBUTION_REASON_REQUIRED]: 'reason',
  [AttributionErrorCode.ATTRIBUTION_TARGET_REQUIRED]: 'referrerId',
  [AttributionErrorCode.ATTRIBUTION_REFERRER_NOT_FOUND]: 'referrerId',
  [AttributionErrorCode.ATTRIBUTION_UNCHANGED]: 'referrerId',
  [AttributionErrorCode.ATTRIBUTION_SELF_REFERRAL]: 'referrerId',
};

const text = (v: unknown, max = 200): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** The admin's pages about people: one search over referrers and suppliers, a referrer's page, a supplier's page. */
@ApiExcludeController()
@Controller('admin')
export class AdminPeoplePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly people: AdminPeopleService,
  ) {}

  @Get('referrers')
  @Roles(Role.Admin)
  async search(@Req() req: Request, @Res() res: Response): Promise<void> {
    const q = text(req.query.q).trim();
    const pageNo = pageNumber(req.query.page);
    const { rows, total } = await this.people.search(q, SEARCH_PAGE, (pageNo - 1) * SEARCH_PAGE, q ? undefined : ['referrer']);
    const href = (p: number) => `/admin/referrers?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
    this.views.render('admin-referrers', req, res, {
      title: this.views.t(req, 'adminPeople.search.title'),
      q,
      rows: rows.map((r) => ({ ...r, href: `/admin/${r.kind}s/${r.id}`, kindKey: `adminPeople.kind.${r.kind}`, statusKey: r.kind === 'referrer' ? `adminPeople.codeStatus.${r.status}` : `commissions.state.${r.status}` })),
      total,
      pageNo,
      prev: pageNo > 1 ? href(pageNo - 1) : null,
      next: pageNo * SEARCH_PAGE < total ? href(pageNo + 1) : null,
      paged: pageNo > 1 || pageNo * SEARCH_PAGE < total,
    });
  }

  @Get('referrers/:id')
  @Roles(Role.Admin)
  async referrer(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const pageNo = pageNumber(req.query.page);
    const d = await this.people.referrer(id, this.views.locale(req), pageNo);
    const done = text(req.query.done);
    const notice = ['paused', 'resumed', 'revoked'].includes(done) ? this.views.t(req, `adminPeople.referrer.${done}`) : undefined;
    this.views.render('admin-referrer', req, res, {
      title: `${d.cabinet.fullName} · ${d.cabinet.companyName}`,
      notice,
      ...d,
      code: d.cabinet.promoCode,
      suppliers: d.suppliers.map((s) => ({ ...s, paying: s.state === 'paying', stateKey: `commissions.state.${s.state}` })),
      statement: d.statement.map((e) => ({ ...e, balanceKey: `adminPeople.balanceName.${e.balance}` })),
      pageNo,
      prev: pageNo > 1 ? `/admin/referrers/${id}?page=${pageNo - 1}#statement` : null,
      next: d.statementHasNext ? `/admin/referrers/${id}?page=${pageNo + 1}#statement` : null,
      paged: pageNo > 1 || d.statementHasNext,
      taxId: d.cabinet.companyTaxId ?? this.views.t(req, 'adminPeople.referrer.noTaxId'),
    });
  }

  @Post('referrers/:id/code/pause')
  @Roles(Role.Admin)
  async pause(@Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.people.pauseCode(id, true);
    res.redirect(303, `/admin/referrers/${id}?done=paused`);
  }

  @Post('referrers/:id/code/resume')
  @Roles(Role.Admin)
  async resume(@Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.people.pauseCode(id, false);
    res.redirect(303, `/admin/referrers/${id}?done=resumed`);
  }

  /** Revoking is final: a confirmation page first, saying that suppliers can no longer sign up with the code. */
  @Post('referrers/:id/code/revoke')
  @Roles(Role.Admin)
  async revoke(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    if (body.confirm !== 'yes') {
      const d = await this.people.referrer(id, this.views.locale(req), 1);
      const name = `${d.cabinet.fullName} · ${d.cabinet.companyName}`;
      const code = d.cabinet.promoCode.code;
      this.views.render('confirm', req, res, {
        title: this.views.t(req, 'adminPeople.revoke.heading', { code }),
        confirm: {
          heading: this.views.t(req, 'adminPeople.revoke.heading', { code }),
          question: this.views.t(req, 'adminPeople.revoke.question', { code, name }),
          detail: this.views.t(req, 'adminPeople.revoke.detail', { n: d.suppliers.length }),
          yes: this.views.t(req, 'adminPeople.revoke.yes'),
          action: `/admin/referrers/${id}/code/revoke`,
          back: `/admin/referrers/${id}`,
          fields: [],
        },
      });
      return;
    }
    await this.people.revokeCode(id);
    res.redirect(303, `/admin/referrers/${id}?done=revoked`);
  }

  @Get('suppliers/:id')
  @Roles(Role.Admin)
  async supplier(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.renderSupplier(req, res, id, { notice: req.query.done === 'changed' ? this.views.t(req, 'adminPeople.change.done') : undefined });
  }

  /** The attribution change: checked, then a confirmation page, then the attribution API's own logic. */
  @Post('suppliers/:id/attribution')
  @Roles(Role.Admin)
  async changeAttribution(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>, @CurrentUser() user: AuthUser): Promise<void> {
    const locale = this.views.locale(req);
    const raw = text(body.referrerId, 100);
    const target = raw === 'none' ? null : raw === '' ? undefined : raw;
    const reason = text(body.reason, 1000);
    try {
      if (target === undefined) throw new AttributionException(AttributionErrorCode.ATTRIBUTION_TARGET_REQUIRED, locale);
      if (reason.trim() === '') throw new AttributionException(AttributionErrorCode.ATTRIBUTION_REASON_REQUIRED, locale);
      if (target !== null && !UUID.test(target)) throw new AttributionException(AttributionErrorCode.ATTRIBUTION_REFERRER_NOT_FOUND, locale, { referrerId: target });
      if (body.confirm !== 'yes') {
        const d = await this.people.supplier(id, locale);
        const nameOf = (p: { referrerName: string | null; referrerCompany: string | null } | null) => (p?.referrerName ? `${p.referrerName} · ${p.referrerCompany}` : this.views.t(req, 'adminPeople.history.nobody'));
        const to = target === null ? null : await this.people.referrerName(target);
        if (target !== null && !to) throw new AttributionException(AttributionErrorCode.ATTRIBUTION_REFERRER_NOT_FOUND, locale, { referrerId: target });
        const company = d.view.companyName;
        const from = nameOf(d.current);
        this.views.render('confirm', req, res, {
          title: this.views.t(req, 'adminPeople.change.heading', { company }),
          confirm: {
            heading: this.views.t(req, 'adminPeople.change.heading', { company }),
            question: to ? this.views.t(req, 'adminPeople.change.question', { company, from, to }) : this.views.t(req, 'adminPeople.change.questionNone', { company, from }),
            detail: to ? this.views.t(req, 'adminPeople.change.detail', { to, reason }) : this.views.t(req, 'adminPeople.change.detailNone', { reason }),
            yes: this.views.t(req, 'adminPeople.change.yes'),
            action: `/admin/suppliers/${id}/attribution`,
            back: `/admin/suppliers/${id}`,
            fields: [
              { name: 'referrerId', value: raw },
              { name: 'reason', value: reason },
              { name: 'find', value: text(body.find) },
            ],
          },
        });
        return;
      }
      await this.people.changeAttribution(user, id, target, reason, locale);
      res.redirect(303, `/admin/suppliers/${id}?done=changed#history`);
    } catch (err) {
      const { status, error } = pageError(err);
      const field = FIELD_OF[error.code];
      await this.renderSupplier(req, res, id, { error: { ...error, fields: field ? [field] : error.fields }, form: { referrerId: raw, reason, find: text(body.find) } }, status);
    }
  }

  private async renderSupplier(req: Request, res: Response, id: string, extra: Record<string, unknown>, status = 200): Promise<void> {
    const locale = this.views.locale(req);
    const d = await this.people.supplier(id, locale);
    const find = text(req.query.find ?? (extra.form as { find?: string } | undefined)?.find).trim();
    const candidates = find ? (await this.people.search(find, CANDIDATES, 0, ['referrer'])).rows : [];
    const chosen = (extra.form as { referrerId?: string } | undefined)?.referrerId ?? '';
    const history = d.history.history.map((h, i) => {
      const before = i > 0 ? d.history.history[i - 1] : null;
      return { ...h, from: before, signup: h.changeId === null, viaLink: h.via === 'link' };
    });
    this.views.render(
      'admin-supplier',
      req,
      res,
      {
        title: d.view.companyName,
        d,
        supplier: d.view,
        current: d.current,
        attributed: d.history.history.length > 0,
        firstPaidAt: d.firstPaidAt,
        invoices: d.invoices,
        history: [...history].reverse(),
        find,
        candidates: candidates.map((c) => ({ ...c, current: c.id === d.history.currentReferrerId, checked: chosen === c.id })),
        noneChecked: chosen === 'none',
        noneCurrent: d.history.currentReferrerId === null,
        form: extra.form ?? {},
        ...extra,
      },
      status,
    );
  }
}
