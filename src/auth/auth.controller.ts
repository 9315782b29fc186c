import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorBody } from '../common/errors/error-body';
import { AuthUser, CurrentUser, Public, Roles, SESSION_COOKIE } from './access.decorators';
import { AccountView, CreateStaffDto, LoginDto, TokenView } from './auth.dto';
import { AuthService } from './auth.service';
import { LocalAuthGuard } from './local-auth.guard';
import { ALL_ROLES, Role } from './role';
import { StaffService } from './staff.service';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly staff: StaffService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenView })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS', type: ErrorBody })
  login(@CurrentUser() user: AuthUser): TokenView {
    return { ...this.auth.issueToken(user), account: user };
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Clear the web session cookie (bearer tokens simply expire)' })
  logout(@Res({ passthrough: true }) res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('auth/me')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ type: AccountView })
  me(@CurrentUser() user: AuthUser): AccountView {
    return user;
  }

  @Post('staff')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a finance, marketer or admin account' })
  @ApiCreatedResponse({ type: AccountView })
  createStaff(@Body() dto: CreateStaffDto): Promise<AccountView> {
    return this.staff.create(dto.email, dto.password, dto.role);
  }
}
