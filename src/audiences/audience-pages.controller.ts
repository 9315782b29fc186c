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
    this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), notice });
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
      this.views.render('audiences', req, res, { title: this.views.t(req, 'audiences.title'), audiences: await this.audiences.list(), error, form: body }, status);
    }
  }
}
