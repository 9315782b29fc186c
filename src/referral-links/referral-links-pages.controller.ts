import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { ReferralLinksRepository } from './referral-links.repository';
import './referral-links.messages';

const PER_PAGE = 25;

/** The admin's view of every referral code: visits of its link (people, bots), sign-ups, paying, rates. */
@ApiExcludeController()
@Controller('admin/referral-links')
export class ReferralLinksPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly links: ReferralLinksRepository,
  ) {}

  @Get()
  @Roles(Role.Admin)
  async list(@Req() req: Request, @Res() res: Response, @Query('q') q?: string, @Query('page') pageParam?: string): Promise<void> {
    const search = typeof q === 'string' ? q.trim().slice(0, 200) : '';
    const page = pageNumber(pageParam);
    const { rows, total } = await this.links.paths({ search: search || undefined, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    const href = (p: number) => `/admin/referral-links?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(p) }).toString()}`;
    this.views.render('referral-links', req, res, {
      title: this.views.t(req, 'links.admin.title'),
      search,
      total,
      rows: rows.map((r) => ({ ...r, statusKey: `links.status.${r.status}` })),
      page,
      pages,
      prev: page > 1 ? href(page - 1) : '',
      next: page < pages ? href(page + 1) : '',
    });
  }
}
