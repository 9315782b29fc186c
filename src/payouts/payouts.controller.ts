import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { FreshCodeDto } from '../auth/two-factor/two-factor.dto';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import { ErrorBody } from '../common/errors/error-body';
import { pickLocale } from '../i18n/messages';
import { BankExportService } from './bank-export.service';
import { PayoutExecutor } from './payout-executor.service';
import { PayoutBatchDetailView, PayoutBatchView, CreatePayoutBatchDto, PayoutExecutionView, PayoutItemView, MarkPayoutFailedDto, PayerAccountQuery, PayoutPreviewQuery, PayoutPreviewView } from './payouts.dto';
import { PayoutsService } from './payouts.service';

@ApiTags('payouts')
@Controller('api/payouts')
export class PayoutsController {
  constructor(
    private readonly payouts: PayoutsService,
    private readonly executor: PayoutExecutor,
    private readonly exports: BankExportService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  @Get('preview')
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'Who a batch created now would pay, and who is left out and why' })
  @ApiOkResponse({ type: PayoutPreviewView })
  preview(@Query() q: PayoutPreviewQuery, @CurrentUser() user: AuthUser): Promise<PayoutPreviewView> {
    return this.payouts.preview(q.currency, user, q.limit);
  }

  @Post('batches')
  @Roles(Role.Finance)
  @ApiOperation({ summary: 'Create a batch: every eligible referrer (or the listed items); amounts move to payouts in transit' })
  @ApiCreatedResponse({ type: PayoutBatchView })
  @ApiUnprocessableEntityResponse({ description: 'NOTHING_TO_PAY, AMOUNT_EXCEEDS_AVAILABLE, AMOUNT_BELOW_MINIMUM, REFERRER_NOT_ELIGIBLE', type: ErrorBody })
  create(@Body() dto: CreatePayoutBatchDto, @CurrentUser() user: AuthUser): Promise<PayoutBatchView> {
    return this.payouts.create(dto, user);
  }

  @Get('batches')
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'Recent batches, newest first' })
  @ApiOkResponse({ type: [PayoutBatchView] })
  list(): Promise<PayoutBatchView[]> {
    return this.payouts.listBatches();
  }

  @Get('batches/:id')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance, Role.Admin)
  @ApiOperation({ summary: 'A batch with its items' })
  @ApiOkResponse({ type: PayoutBatchDetailView })
  one(@Param('id', new ParseUUIDPipe()) id: string): Promise<PayoutBatchDetailView> {
    return this.payouts.batchDetail(id);
  }

  @Post('batches/:id/approve')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance)
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a batch (a finance user other than its creator)' })
  @ApiOkResponse({ type: PayoutBatchView })
  @ApiForbiddenResponse({ description: 'CANNOT_APPROVE_OWN_BATCH', type: ErrorBody })
  @ApiConflictResponse({ description: 'BATCH_CANCELLED, BATCH_ALREADY_APPROVED', type: ErrorBody })
  @ApiUnauthorizedResponse({ description: 'TWO_FACTOR_REQUIRED, TWO_FACTOR_INVALID: a fresh code is needed when two-factor sign-in is on', type: ErrorBody })
  async approve(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Body() dto: FreshCodeDto): Promise<PayoutBatchView> {
    await this.twoFactor.checkFresh(user, dto?.totpCode);
    return this.payouts.approve(id, user);
  }

  @Post('batches/:id/execute')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance)
  @HttpCode(200)
  @ApiOperation({ summary: 'Execute (or resume) an approved batch: Stripe transfers for Connect items; bank items await marking' })
  @ApiOkResponse({ type: PayoutExecutionView })
  @ApiConflictResponse({ description: 'BATCH_NOT_APPROVED, BATCH_CANCELLED, BATCH_ALREADY_EXECUTED, BATCH_EXECUTION_IN_PROGRESS', type: ErrorBody })
  @ApiUnauthorizedResponse({ description: 'TWO_FACTOR_REQUIRED, TWO_FACTOR_INVALID: a fresh code is needed when two-factor sign-in is on', type: ErrorBody })
  async execute(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser, @Body() dto: FreshCodeDto): Promise<PayoutExecutionView> {
    await this.twoFactor.checkFresh(user, dto?.totpCode);
    return this.executor.execute(id, user);
  }

  @Post('batches/:id/cancel')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance)
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a batch not yet executed; the money returns to available' })
  @ApiOkResponse({ type: PayoutBatchView })
  @ApiConflictResponse({ description: 'BATCH_CANCELLED, BATCH_NOT_CANCELLABLE', type: ErrorBody })
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<PayoutBatchView> {
    return this.payouts.cancel(id, user);
  }

  @Get('batches/:id/bank-export.csv')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Bank-transfer items still to pay, with decrypted bank details, as CSV' })
  async bankCsv(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.exports.bankCsv(id);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="bank-transfers.csv"' });
    return body;
  }

  @Get('batches/:id/bank-export.xml')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance)
  @ApiProduces('application/xml')
  @ApiOperation({ summary: 'Bank-transfer items still to pay as an ISO 20022 pain.001.001.03 file for the bank portal; the payer account is given in the query' })
  async bankXml(@Param('id', new ParseUUIDPipe()) id: string, @Query() payer: PayerAccountQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const locale = pickLocale(req.query.lang, (req.cookies as Record<string, unknown> | undefined)?.lang, req.headers['accept-language']);
    const body = await this.exports.painXml(id, { accountHolder: payer.payerName, bankIdentifier: payer.payerBank, accountNumber: payer.payerAccount }, locale);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'application/xml; charset=utf-8', 'content-disposition': 'attachment; filename="bank-transfers.pain.001.xml"' });
    return body;
  }

  @Get('batches/:id/items.csv')
  @ApiParam({ name: 'id', description: 'Payout batch id' })
  @Roles(Role.Finance, Role.Admin)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Every item of the batch with its status, as CSV' })
  async itemsCsv(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.exports.itemsCsv(id);
    // Headers only once the file exists: an error must still answer as JSON.
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="payout-items.csv"' });
    return body;
  }

  @Post('items/:id/mark-paid')
  @ApiParam({ name: 'id', description: 'Payout item id' })
  @Roles(Role.Finance)
  @HttpCode(200)
  @ApiOperation({ summary: 'The bank confirmed a transfer: mark the bank item paid' })
  @ApiOkResponse({ type: PayoutItemView })
  markPaid(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: AuthUser): Promise<PayoutItemView> {
    return this.payouts.markBankItem(id, { paid: true }, user);
  }

  @Post('items/:id/mark-failed')
  @ApiParam({ name: 'id', description: 'Payout item id' })
  @Roles(Role.Finance)
  @HttpCode(200)
  @ApiOperation({ summary: 'The bank returned a transfer: mark the bank item failed; its money returns to available' })
  @ApiOkResponse({ type: PayoutItemView })
  markFailed(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: MarkPayoutFailedDto, @CurrentUser() user: AuthUser): Promise<PayoutItemView> {
    return this.payouts.markBankItem(id, { paid: false, reason: dto.reason }, user);
  }
}
