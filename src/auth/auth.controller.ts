import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ErrorBody } from '../common/errors/error-body';
import { AuthUser, CurrentUser, Public, Roles, SESSION_COOKIE } from '../access/access.decorators';
import { AccountStatusView, AccountView, ChangePasswordDto, CreateStaffDto, LoginDto, PasswordResetAcceptedView, PasswordResetConfirmDto, PasswordResetRequestDto, TokenView } from './auth.dto';
import { PasswordResetService } from './password-reset.service';
import { pickLocale } from '../i18n/messages';
import { AuthService } from './auth.service';
import { LocalAuthGuard } from './local-auth.guard';
import { ALL_ROLES, Role } from '../access/role';
import { StaffService } from './staff.service';
import { TwoFactorService } from './two-factor/two-factor.service';

/** Where a session was started from (kept on the session row). */
export const sessionMeta = (req: Request) => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly staff: StaffService,
    private readonly resets: PasswordResetService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token (a server-side session)' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenView })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS; TWO_FACTOR_REQUIRED or TWO_FACTOR_INVALID when the account signs in with a second factor', type: ErrorBody })
  async login(@CurrentUser() user: AuthUser, @Req() req: Request, @Body() dto: LoginDto): Promise<TokenView> {
    await this.twoFactor.checkSignIn(user, dto.totpCode);
    return { ...(await this.auth.issueToken(user, { ...sessionMeta(req), signIn: true })), account: { id: user.id, email: user.email, role: user.role } };
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of the bearer token or session cookie sent (it no longer works) and clear the cookie' })
  async logout(@CurrentUser() user: AuthUser | undefined, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.endSession(user?.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Post('auth/password')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password: every session of the account ends; the answer carries a new token for this client' })
  @ApiOkResponse({ type: TokenView })
  @ApiBadRequestResponse({ description: 'CURRENT_PASSWORD_WRONG, WEAK_PASSWORD', type: ErrorBody })
  async changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<TokenView> {
    await this.auth.changePassword(user, dto.currentPassword, dto.newPassword);
    const token = await this.auth.issueToken(user, sessionMeta(req));
    if (req.cookies?.[SESSION_COOKIE]) res.cookie(SESSION_COOKIE, token.accessToken, this.auth.sessionCookieOptions());
    return { ...token, account: { id: user.id, email: user.email, role: user.role } };
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask for a password reset link by email (valid one hour, single use); the answer is the same whether or not the address has an account' })
  @ApiAcceptedResponse({ type: PasswordResetAcceptedView })
  async requestReset(@Body() dto: PasswordResetRequestDto, @Req() req: Request): Promise<PasswordResetAcceptedView> {
    const locale = pickLocale(req.query?.lang, req.cookies?.lang, req.headers['accept-language']);
    await this.resets.request(dto.email, locale, req.ip ?? 'unknown');
    return { accepted: true };
  }

  @Post('auth/password-reset/confirm')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the token of a reset link: the link is used up and every session of the account ends' })
  @ApiBadRequestResponse({ description: 'RESET_TOKEN_INVALID, WEAK_PASSWORD', type: ErrorBody })
  confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    return this.resets.confirm(dto.token, dto.newPassword);
  }

  @Get('auth/me')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ type: AccountView })
  me(@CurrentUser() user: AuthUser): AccountView {
    return { id: user.id, email: user.email, role: user.role };
  }

  @Post('staff')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a finance, marketer or admin account' })
  @ApiCreatedResponse({ type: AccountView })
  createStaff(@Body() dto: CreateStaffDto): Promise<AccountView> {
    return this.staff.create(dto.email, dto.password, dto.role);
  }

  @Post('users/:id/disable')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an account: it can no longer sign in and every one of its sessions ends at once' })
  @ApiParam({ name: 'id', description: 'Account id (uuid)' })
  @ApiOkResponse({ type: AccountStatusView })
  disable(@CurrentUser() actor: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<AccountStatusView> {
    return this.auth.setDisabled(actor, id, true);
  }

  @Post('users/:id/enable')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable a disabled account (it signs in again with its password)' })
  @ApiParam({ name: 'id', description: 'Account id (uuid)' })
  @ApiOkResponse({ type: AccountStatusView })
  enable(@CurrentUser() actor: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<AccountStatusView> {
    return this.auth.setDisabled(actor, id, false);
  }
}
