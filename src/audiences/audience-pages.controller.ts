import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth/access.decorators';
import { Role } from '../auth/role';
import { pageError, parseForm } from '../web/form';
import { ViewService } from '../web/view.service';
import { CreateAudienceDto } from './audience.dto';
import { AudienceService } from './audience.service';
import './audiences.messages';

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
    const notice = req.query.created ? this.views.t(req, 'audiences.created') : undefined;
    this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), notice, importErrors: this.importErrors(req) });
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
      this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), error, form: body, importErrors: this.importErrors(req) }, status);
    }
  }

  /** The words for each refusal of an upload, for the page script that posts the file to the import API. */
  private importErrors(req: Request): string {
    const codes = ['AUDIENCE_FILE_TOO_LARGE', 'AUDIENCE_UNSUPPORTED_MEDIA_TYPE', 'AUDIENCE_NOT_FOUND', 'CSV_EMPTY', 'CSV_INVALID', 'CSV_MALFORMED', 'CSV_BROKEN_QUOTING', 'CSV_NO_EMAIL_COLUMN', 'CSV_WRONG_DELIMITER', 'RATE_LIMITED', 'FORBIDDEN'];
    return JSON.stringify({ ...Object.fromEntries(codes.map((c) => [c, this.views.t(req, `errors.${c}`)])), fallback: this.views.t(req, 'error.generic') });
  }
}
