import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Public, Roles } from '../access/access.decorators';
import { LimitPerAddress } from '../auth/rate-limit.guard';
import { Role } from '../access/role';
import { ErrorBody } from '../common/errors/error-body';
import { SignUpSupplierDto, SupplierSignUpView, SupplierView } from './supplier.dto';
import { SupplierService } from './supplier.service';

@ApiTags('suppliers')
@Controller('api/suppliers')
export class SupplierController {
  constructor(private readonly suppliers: SupplierService) {}

  @Post()
  @Public()
  // Redemption attempts are rate limited per client address, like code checks (guessing codes).
  @LimitPerAddress('supplier-signup')
  @ApiOperation({ summary: "Sign up as a supplier, optionally with a referrer's promo code (locks the discount and the referrer's terms); starts the Stripe subscription" })
  @ApiCreatedResponse({ type: SupplierSignUpView })
  @ApiNotFoundResponse({ description: 'PROMO_CODE_NOT_FOUND', type: ErrorBody })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN, SUPPLIER_TAX_ID_TAKEN or PROMO_CODE_PAUSED', type: ErrorBody })
  @ApiUnprocessableEntityResponse({ description: 'SELF_REFERRAL', type: ErrorBody })
  signUp(@Body() dto: SignUpSupplierDto): Promise<SupplierSignUpView> {
    return this.suppliers.signUp(dto);
  }

  @Get('me')
  @Roles(Role.Supplier)
  @ApiOperation({ summary: "The signed-in supplier: discount, referrer, subscription state, invoices as Stripe reported them" })
  @ApiOkResponse({ type: SupplierView })
  me(@CurrentUser() user: AuthUser): Promise<SupplierView> {
    return this.suppliers.viewForUser(user.id);
  }

  @Post('me/subscription')
  @Roles(Role.Supplier)
  @HttpCode(200)
  @ApiOperation({ summary: 'Start (or finish starting) the Stripe subscription; safe to repeat' })
  @ApiOkResponse({ type: SupplierView })
  subscribe(@CurrentUser() user: AuthUser): Promise<SupplierView> {
    return this.suppliers.subscribeForUser(user.id);
  }
}
