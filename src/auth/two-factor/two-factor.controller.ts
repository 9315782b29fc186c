import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body';
import { AuthUser, CurrentUser, Roles } from '../../access/access.decorators';
import { ViewService } from '../../web/view.service';
import { ALL_ROLES } from '../../access/role';
import { RecoveryCodesView, TwoFactorCodeDto, TwoFactorSetupView, TwoFactorStatusView } from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

@ApiTags('auth')
@Controller('api/auth/two-factor')
export class TwoFactorController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly views: ViewService,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Whether two-factor sign-in is on, and whether the account must use it' })
  @ApiOkResponse({ type: TwoFactorStatusView })
  status(@CurrentUser() user: AuthUser): Promise<TwoFactorStatusView> {
    return this.twoFactor.status(user);
  }

  @Post('setup')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Start setting up two-factor sign-in: a new secret to add to an authenticator app (on once confirmed)' })
  @ApiOkResponse({ type: TwoFactorSetupView })
  async setup(@CurrentUser() user: AuthUser): Promise<TwoFactorSetupView> {
    const { secret, uri } = await this.twoFactor.begin(user, this.views.brand());
    return { secret, uri };
  }

  @Post('confirm')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn two-factor sign-in on with a first code; answers the recovery codes (shown once)' })
  @ApiOkResponse({ type: RecoveryCodesView })
  @ApiUnauthorizedResponse({ description: 'TWO_FACTOR_INVALID', type: ErrorBody })
  async confirm(@CurrentUser() user: AuthUser, @Body() dto: TwoFactorCodeDto): Promise<RecoveryCodesView> {
    return { recoveryCodes: await this.twoFactor.confirm(user, dto.code) };
  }

  @Post('disable')
  @Roles(...ALL_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn two-factor sign-in off with a code (not allowed for finance and admin while required)' })
  disable(@CurrentUser() user: AuthUser, @Body() dto: TwoFactorCodeDto): Promise<void> {
    return this.twoFactor.disable(user, dto.code);
  }
}
