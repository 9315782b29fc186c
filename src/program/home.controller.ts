import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { Public } from '../access/access.decorators';
import { TEMPLATES_DIR, ViewService } from '../web/view.service';
import { ProgramService } from './program.service';
import './program.messages';

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
    this.views.render('home', req, res, { program: p, bonus: BigInt(p.bonusAmount) > 0n, bonusInstead: p.bonusMode === 'instead' });
  }

  /** The stylesheet and the small scripts of the pages (templates/assets): nothing from a CDN. */
  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response): void {
    const path = join(TEMPLATES_DIR, 'assets', file);
    if (!/^[a-z0-9-]+\.(css|js)$/.test(file) || !existsSync(path)) throw new CommonException(CommonErrorCode.NOT_FOUND, `No asset ${file}`);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(file.endsWith('.css') ? 'text/css' : 'text/javascript');
    res.sendFile(path);
  }
}
