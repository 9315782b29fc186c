import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError, parseForm, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { AddSuppressionDto } from './suppression.dto';
import { SuppressionService } from './suppression.service';
import './suppression.messages';

class RemoveSuppressionForm {
  @IsString()
  @MaxLength(254)
  email: string;
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  removalReason: string;
}

const PAGE = 50;
const REASONS = ['unsubscribed', 'hard_bounce', 'complaint', 'manual'];

/** The suppression list for marketers: search, add with a reason, lift only with a reason (kept as an audit row). */
@ApiExcludeController()
@Controller('console/suppressions')
export class SuppressionPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly suppression: SuppressionService,
  ) {}

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const notice = req.query.added ? this.views.t(req, 'suppressions.added') : req.query.removed ? this.views.t(req, 'suppressions.removed') : undefined;
    await this.render(req, res, { notice });
  }

  private async render(req: Request, res: Response, extra: Record<string, unknown>, status = 200): Promise<void> {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 254) : '';
    const pageNo = pageNumber(req.query.page);
    const { rows, total } = await this.suppression.search(q, PAGE, (pageNo - 1) * PAGE);
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const qs = (p: number) => `/console/suppressions?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
    this.views.render(
      'suppressions',
      req,
      res,
      {
        title: this.views.t(req, 'suppressions.title'),
        q,
        rows,
        total,
        reasons: REASONS,
        removals: await this.suppression.removals(20),
        prev: pageNo > 1 ? qs(pageNo - 1) : null,
        next: pageNo < pages ? qs(pageNo + 1) : null,
        pageNo,
        pages,
        ...extra,
      },
      status,
    );
  }

  @Post()
  @Roles(Role.Marketer, Role.Admin)
  async add(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const dto = await parseForm(AddSuppressionDto, body);
      await this.suppression.add(dto.email, dto.reason, dto.detail, user.id);
      res.redirect(303, `/console/suppressions?added=1&q=${encodeURIComponent(dto.email.trim().toLowerCase())}`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, { error, form: body }, status);
    }
  }

  @Post('remove')
  @Roles(Role.Marketer, Role.Admin)
  async remove(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const dto = await parseForm(RemoveSuppressionForm, body);
      await this.suppression.remove(dto.email, dto.removalReason, user.id);
      res.redirect(303, '/console/suppressions?removed=1');
    } catch (err) {
      const { status, error } = pageError(err);
      await this.render(req, res, { error: { ...error, fields: error.code === 'VALIDATION_FAILED' ? ['removalReason'] : error.fields }, removeForm: body }, status);
    }
  }
}
