import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { FinanceAuditQuery } from '../finance-audit/finance-audit.dto';
import { ProgramService } from '../program/program.service';
import { pageError, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { AUDIT_ACTIONS, AuditFilterInput, FinanceAuditPageService } from './finance-audit-page.service';
import './finance-console.messages';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 320) : '');

/** The finance audit log as a page: who, what, when (in the program's time zone), paged, with the CSV of the same rows. */
@ApiExcludeController()
@Controller('finance/audit')
export class FinanceAuditPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly audit: FinanceAuditPageService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Roles(Role.Finance, Role.Admin)
  async page(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    const timeZone = await this.program.timeZone();
    const filters: AuditFilterInput = { actor: str(req.query.actor), action: str(req.query.action), from: str(req.query.from), to: str(req.query.to) };
    let query: FinanceAuditQuery = {};
    let error: ReturnType<typeof pageError>['error'] | undefined;
    let status = 200;
    try {
      query = await this.audit.query(filters, timeZone);
    } catch (err) {
      ({ status, error } = pageError(err));
    }
    const pageNo = pageNumber(req.query.page);
    const locale = this.views.locale(req);
    const currency = (await this.program.settings()).currency.trim();
    const result = error ? { rows: [], total: 0, pages: 1 } : await this.audit.page(query, pageNo, locale, user.role as Role, timeZone, currency);
    const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
    const link = (p: number) => `/finance/audit?${new URLSearchParams({ ...kept, page: String(p) }).toString()}`;
    const csv = new URLSearchParams(Object.fromEntries(Object.entries({ actor: query.actor, action: query.action, from: query.from?.toISOString(), to: query.to?.toISOString() }).filter(([, v]) => v) as [string, string][]));
    this.views.render(
      'finance-audit',
      req,
      res,
      {
        title: this.views.t(req, 'finance.audit.title'),
        timeZone,
        error,
        filters,
        filtered: Object.keys(kept).length > 0,
        actors: (await this.audit.actors()).map((email) => ({ email, selected: email === filters.actor?.toLowerCase() })),
        actions: AUDIT_ACTIONS.map((a) => ({ value: a, selected: a === filters.action })),
        rows: result.rows,
        total: result.total,
        pageNo,
        pages: result.pages,
        prev: pageNo > 1 ? link(pageNo - 1) : null,
        next: pageNo < result.pages ? link(pageNo + 1) : null,
        csvHref: `/api/finance/audit/export.csv${csv.toString() ? `?${csv.toString()}` : ''}`,
      },
      status,
    );
  }
}
