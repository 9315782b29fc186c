import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { isSecurityEventKind, SECURITY_EVENT_KINDS } from './security-events';
import { SecurityLogService } from './security-log.service';
import './security-log.messages';

/** The security log as the admin reads it: newest first, filtered by what happened and by address. */
@ApiExcludeController()
@Controller('admin/security')
export class SecurityLogPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly log: SecurityLogService,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const kind = isSecurityEventKind(req.query.kind) ? req.query.kind : undefined;
    const email = typeof req.query.email === 'string' ? req.query.email.trim().slice(0, 320) : '';
    const pageNo = pageNumber(req.query.page);
    const result = await this.log.page({ kind, email: email || undefined }, pageNo);
    const kept = Object.fromEntries(Object.entries({ kind, email }).filter(([, v]) => v)) as Record<string, string>;
    const link = (p: number) => `/admin/security?${new URLSearchParams({ ...kept, page: String(p) }).toString()}`;
    this.views.render('admin-security', req, res, {
      title: this.views.t(req, 'security.title'),
      filters: { kind, email },
      filtered: Object.keys(kept).length > 0,
      kinds: SECURITY_EVENT_KINDS.map((k) => ({ value: k, selected: k === kind })),
      rows: result.rows.map((r) => ({ ...r, details: Object.entries(r.detail ?? {}).map(([key, value]) => ({ key, value })) })),
      total: result.total,
      pageNo,
      prev: pageNo > 1 ? link(pageNo - 1) : null,
      next: pageNo < result.pages ? link(pageNo + 1) : null,
      pages: result.pages,
      paged: result.pages > 1,
    });
  }
}
