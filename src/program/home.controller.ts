import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { Public } from '../auth/access.decorators';
import { TEMPLATES_DIR, ViewService } from '../web/view.service';
import { ProgramService } from './program.service';

/** The public home page (the programme's terms) and the site's stylesheet. */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    private readonly views: ViewService,
    private readonly program: ProgramService,
  ) {}

  @Get()
  @Public()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const p = await this.program.view();
    this.views.render('home', req, res, { program: p });
  }

  @Get('assets/site.css')
  @Public()
  css(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(join(TEMPLATES_DIR, 'assets', 'site.css'));
  }
}
