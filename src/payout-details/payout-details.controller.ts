import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { ReferrerService } from '../referrers/referrer.service';
import { BankDetailsDto, ConnectOnboardingView, PayoutDetailsView } from './payout-details.dto';
import { PayoutDetailsService } from './payout-details.service';

@ApiTags('payout-details')
@Controller('api/payout-details')
export class PayoutDetailsController {
  constructor(
    private readonly details: PayoutDetailsService,
    private readonly referrers: ReferrerService,
  ) {}

  @Get('me')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'The signed-in referrer\'s payout details (bank account masked)' })
  @ApiOkResponse({ type: PayoutDetailsView })
  async me(@CurrentUser() user: AuthUser): Promise<PayoutDetailsView> {
    return this.details.view(await this.referrers.referrerIdOfUser(user.id));
  }

  @Put('me/bank')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Be paid by bank transfer: holder, BIC/SWIFT, account/IBAN (shape-checked, stored encrypted)' })
  @ApiOkResponse({ type: PayoutDetailsView })
  @ApiBadRequestResponse({ description: 'BANK_DETAILS_MALFORMED (details list the fields)', type: ErrorBody })
  async setBank(@CurrentUser() user: AuthUser, @Body() dto: BankDetailsDto): Promise<PayoutDetailsView> {
    return this.details.setBank(await this.referrers.referrerIdOfUser(user.id), dto);
  }

  @Post('me/stripe-connect')
  @Roles(Role.Referrer)
  @ApiOperation({ summary: 'Be paid through Stripe Connect: creates the Express account once and returns an onboarding link' })
  @ApiCreatedResponse({ type: ConnectOnboardingView })
  @ApiBadGatewayResponse({ description: 'CONNECT_ACCOUNT_FAILED', type: ErrorBody })
  async connect(@CurrentUser() user: AuthUser): Promise<ConnectOnboardingView> {
    return this.details.startConnect(await this.referrers.referrerIdOfUser(user.id));
  }

  @Post('me/stripe-connect/refresh')
  @Roles(Role.Referrer)
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask Stripe for the account\'s state now (webhooks also keep it current)' })
  @ApiOkResponse({ type: PayoutDetailsView })
  async refresh(@CurrentUser() user: AuthUser): Promise<PayoutDetailsView> {
    return this.details.refreshConnect(await this.referrers.referrerIdOfUser(user.id));
  }

  @Get(':referrerId')
  @ApiParam({ name: 'referrerId', description: 'Referrer id' })
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'A referrer\'s payout details (staff; bank account masked)' })
  @ApiOkResponse({ type: PayoutDetailsView })
  one(@Param('referrerId', new ParseUUIDPipe()) referrerId: string): Promise<PayoutDetailsView> {
    return this.details.view(referrerId);
  }
}
