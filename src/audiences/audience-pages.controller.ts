import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { pageError, parseForm, pageNumber } from '../web/form';
import { ViewService } from '../web/view.service';
import { CreateAudienceDto } from './audience.dto';
import { AudienceService } from './audience.service';
import './audiences.messages';
import '../suppression/suppression.messages';
import { translate } from '../i18n/messages';
import { formatCount, pluralCategory } from '../money/money-format';

const CONTACTS_PAGE = 50;

/** The marketer's audience console; the CSV upload streams the file to the import API from the page. */
@ApiExcludeController()
@Controller('console/audiences')
export class AudiencePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly audiences: AudienceService,
  ) {}

  @Get()
  @Roles(Role.Marketer, Role.Admin)
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    const notice = req.query.created ? this.views.t(req, 'audiences.created') : req.query.deleted ? this.views.t(req, req.query.deleted === 'kept' ? 'audiences.deletedKept' : 'audiences.deleted') : undefined;
    this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), notice, importErrors: this.importErrors(req), importReasons: rejectionWords(this.views, req) });
  }

  @Post()
  @Roles(Role.Marketer, Role.Admin)
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, string>, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const dto = await parseForm(CreateAudienceDto, body);
      await this.audiences.create(dto.name, user.id);
      res.redirect(303, '/console/audiences?created=1');
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), error, form: body, importErrors: this.importErrors(req), importReasons: rejectionWords(this.views, req) }, status);
    }
  }

  @Get(':id')
  @Roles(Role.Marketer, Role.Admin)
  async audience(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.renderAudience(req, res, id, {});
  }

  private async renderAudience(req: Request, res: Response, id: string, extra: Record<string, unknown>, status = 200): Promise<void> {
    const audience = await this.audiences.get(id);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const pageNo = pageNumber(req.query.page);
    const { rows, total } = await this.audiences.contacts(id, q, CONTACTS_PAGE, (pageNo - 1) * CONTACTS_PAGE);
    const pages = Math.max(1, Math.ceil(total / CONTACTS_PAGE));
    const qs = (p: number) => `/console/audiences/${id}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
    const locale = this.views.locale(req);
    const imports = (await this.audiences.imports(id)).map((i) => ({
      ...i,
      reasons: i.rejections.slice(0, 20).map((r) => ({ line: r.line, text: translate(locale, `audiences.reason.${r.code ?? 'other'}`, r.params ?? {}) })),
      more: Math.max(0, i.rejected - 20),
    }));
    const notice = req.query.renamed ? this.views.t(req, 'audiences.renamed') : undefined;
    this.views.render(
      'audience',
      req,
      res,
      { title: audience.name, audience, q, rows, total, pageNo, pages, prev: pageNo > 1 ? qs(pageNo - 1) : null, next: pageNo < pages ? qs(pageNo + 1) : null, imports, notice, ...extra },
      status,
    );
  }

  @Post(':id/rename')
  @Roles(Role.Marketer, Role.Admin)
  async rename(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    try {
      const dto = await parseForm(CreateAudienceDto, body);
      await this.audiences.rename(id, dto.name);
      res.redirect(303, `/console/audiences/${id}?renamed=1`);
    } catch (err) {
      const { status, error } = pageError(err);
      await this.renderAudience(req, res, id, { error, form: body }, status);
    }
  }

  /** Delete asks first (a page, no JavaScript needed), saying what happens to the history. */
  @Post(':id/delete')
  @Roles(Role.Marketer, Role.Admin)
  async remove(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: Record<string, string>): Promise<void> {
    if (body.confirm !== 'yes') {
      const a = await this.audiences.get(id);
      const impact = await this.audiences.deletionImpact(id);
      const locale = this.views.locale(req);
      const contacts = translate(locale, `audiences.plural.contacts.${pluralCategory(locale, impact.contacts)}`, { n: formatCount(locale, impact.contacts) });
      const campaigns = translate(locale, `audiences.plural.campaigns.${pluralCategory(locale, impact.campaigns)}`, { n: formatCount(locale, impact.campaigns) });
      this.views.render('confirm', req, res, {
        title: this.views.t(req, 'audiences.delete.heading'),
        confirm: {
          heading: this.views.t(req, 'audiences.delete.heading'),
          question: this.views.t(req, 'audiences.delete.question', { name: a.name, contacts }),
          detail: impact.campaigns > 0 ? this.views.t(req, 'audiences.delete.keeps', { campaigns }) : this.views.t(req, 'audiences.delete.erases'),
          yes: this.views.t(req, 'audiences.delete.yes'),
          action: `/console/audiences/${id}/delete`,
          back: `/console/audiences/${id}`,
          fields: [],
        },
      });
      return;
    }
    const { kept } = await this.audiences.remove(id);
    res.redirect(303, `/console/audiences?deleted=${kept ? 'kept' : 'all'}`);
  }

  @Get(':id/contacts/:contactId')
  @Roles(Role.Marketer, Role.Admin)
  async contact(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('contactId') contactId: string): Promise<void> {
    const contact = await this.audiences.contact(id, contactId);
    const attributes = Object.entries(contact.attributes).map(([name, value]) => ({ name, value }));
    this.views.render('contact', req, res, { title: contact.name ? `${contact.name} · ${contact.email}` : contact.email, contact, attributes });
  }

  /** The words for each refusal of an upload, for the page script that posts the file to the import API. */
  private importErrors(req: Request): string {
    const codes = ['AUDIENCE_FILE_TOO_LARGE', 'AUDIENCE_UNSUPPORTED_MEDIA_TYPE', 'AUDIENCE_NOT_FOUND', 'CSV_EMPTY', 'CSV_INVALID', 'CSV_MALFORMED', 'CSV_BROKEN_QUOTING', 'CSV_NO_EMAIL_COLUMN', 'CSV_WRONG_DELIMITER', 'RATE_LIMITED', 'FORBIDDEN'];
    return JSON.stringify({ ...Object.fromEntries(codes.map((c) => [c, this.views.t(req, `errors.${c}`)])), fallback: this.views.t(req, 'error.generic') });
  }
}

export const REJECTION_CODES = ['FIELD_COUNT', 'NO_EMAIL', 'INVALID_EMAIL', 'DUPLICATE', 'other'];

/** The words for each reason a row was refused, in the reader's language (for the page script). */
export function rejectionWords(views: ViewService, req: Request): string {
  return JSON.stringify(Object.fromEntries(REJECTION_CODES.map((c) => [c, views.t(req, `audiences.reason.${c}`)])));
}
