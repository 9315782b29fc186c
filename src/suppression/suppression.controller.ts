import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req, Res, DefaultValuePipe } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { DomainException } from '../common/errors/domain.exception';
import { ViewService } from '../web/view.service';
import { AddSuppressionDto, SuppressionView } from './suppression.dto';
import { SuppressionService } from './suppression.service';
import './suppression.messages';

/**
 * RFC 8058: the List-Unsubscribe URL answers a POST by unsubscribing at once; a GET only shows a
 * confirmation page with a button (link scanners follow GETs and must not unsubscribe anyone).
 */
@ApiTags('suppression')
@Controller()
export class SuppressionController {
  constructor(
    private readonly suppression: SuppressionService,
    private readonly views: ViewService,
  ) {}

  @Get('unsubscribe/:token')
  @Public()
  @ApiExcludeEndpoint()
  confirmPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string): void {
    try {
      const { email } = this.suppression.target(token);
      this.views.render('unsubscribe', req, res, { title: this.views.t(req, 'suppression.title'), email, token, done: false });
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      this.views.render('unsubscribe', req, res, { title: this.views.t(req, 'suppression.title'), invalid: true }, 404);
    }
  }

  @Post('unsubscribe/:token')
  @Public()
  @ApiExcludeEndpoint()
  async unsubscribe(@Req() req: Request, @Res() res: Response, @Param('token') token: string): Promise<void> {
    try {
      const { email } = await this.suppression.unsubscribe(token);
      this.views.render('unsubscribe', req, res, { title: this.views.t(req, 'suppression.title'), email, done: true });
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      this.views.render('unsubscribe', req, res, { title: this.views.t(req, 'suppression.title'), invalid: true }, 404);
    }
  }

  @Get('api/suppressions')
  @Roles(Role.Marketer, Role.Admin)
  @ApiOperation({ summary: 'Suppressed addresses, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size (default 100)' })
  @ApiQuery({ name: 'offset', required: false, description: 'Rows to skip' })
  @ApiOkResponse({ type: [SuppressionView] })
  list(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number, @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number): Promise<SuppressionView[]> {
    return this.suppression.list(Math.min(Math.max(limit, 1), 1000), Math.max(offset, 0));
  }

  @Post('api/suppressions')
  @Roles(Role.Marketer, Role.Admin)
  @HttpCode(201)
  @ApiOperation({ summary: 'Suppress an address by hand (idempotent: the first reason stays)' })
  @ApiCreatedResponse({ type: SuppressionView })
  add(@Body() dto: AddSuppressionDto): Promise<SuppressionView> {
    return this.suppression.add(dto.email, dto.reason, dto.detail);
  }
}
