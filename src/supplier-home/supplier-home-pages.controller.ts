import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { BillingService } from '../billing/billing.service';
import { InvoiceRefunds } from '../commissions/invoice-refunds';
import { APP_CONFIG, AppConfig } from '../config/config';
import { roundHalfUp } from '../money/money-format';
import { SupplierService } from '../suppliers/supplier.service';
import '../suppliers/suppliers.messages';
import { pageError } from '../web/form';
import { ViewService } from '../web/view.service';
import './supplier-home.messages';

/** Stripe's subscription and invoice states the catalog names; anything newer reads as "other". */
const BILLING_STATES = ['not_started', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'];
const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'];
const INTERVALS = ['day', 'week', 'month', 'year'];
const known = (list: string[], value: string, prefix: string) => `${prefix}.${list.includes(value) ? value : 'other'}`;

/**
 * The supplier's page: the price it pays and its discount (money and percent), its subscription,
 * its invoices with tax and refunds, and "Manage billing" (Stripe's customer portal) when Stripe
 * is configured.
 */
@ApiExcludeController()
@Controller('supplier')
export class SupplierHomePagesController {
  constructor(
    private readonly views: ViewService,
    private readonly suppliers: SupplierService,
    private readonly billing: BillingService,
    private readonly refunds: InvoiceRefunds,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles(Role.Supplier)
  async home(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    this.views.render('supplier-home', req, res, { title: this.views.t(req, 'suppliers.home.title'), ...(await this.model(user.id)) });
  }

  @Post('subscribe')
  @Roles(Role.Supplier)
  async subscribe(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      await this.suppliers.subscribeForUser(user.id);
      res.redirect(303, '/supplier');
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('supplier-home', req, res, { title: this.views.t(req, 'suppliers.home.title'), ...(await this.model(user.id)), error }, status);
    }
  }

  /** "Manage billing": a Stripe customer portal session, and off to it; back to /supplier afterwards. */
  @Post('billing-portal')
  @Roles(Role.Supplier)
  async portal(@Req() req: Request, @Res() res: Response, @CurrentUser() user: AuthUser): Promise<void> {
    try {
      const supplier = await this.suppliers.viewForUser(user.id);
      res.redirect(303, await this.billing.portalSession(supplier.id, `${this.config.publicBaseUrl}/supplier`));
    } catch (err) {
      const { status, error } = pageError(err);
      this.views.render('supplier-home', req, res, { title: this.views.t(req, 'suppliers.home.title'), ...(await this.model(user.id)), error }, status);
    }
  }

  private async model(userId: string): Promise<Record<string, unknown>> {
    const supplier = await this.suppliers.viewForUser(userId);
    const [price, refunded] = await Promise.all([this.billing.price(), this.refunds.refunded(supplier.billing.invoices.map((i) => i.id))]);
    const invoices = supplier.billing.invoices.map((i) => ({
      ...i,
      statusKey: known(INVOICE_STATUSES, i.status, 'suppliers.invoice'),
      tax: i.totalExcludingTax === null ? null : String(BigInt(i.total) - BigInt(i.totalExcludingTax)),
      refunded: String(refunded.get(i.id) ?? 0n),
      hasRefund: (refunded.get(i.id) ?? 0n) > 0n,
    }));
    // The discount in money: the locked percent of the price, rounded half-up like Stripe's coupon.
    const bp = supplier.attribution?.discountBp ?? 0;
    const terms = price
      ? {
          price: price.unitAmount,
          currency: price.currency,
          discount: String(roundHalfUp(BigInt(price.unitAmount) * BigInt(bp), 10_000n)),
          pays: String(BigInt(price.unitAmount) - roundHalfUp(BigInt(price.unitAmount) * BigInt(bp), 10_000n)),
          intervalKey: price.interval && INTERVALS.includes(price.interval) ? `supplierHome.per.${price.interval}` : null,
        }
      : null;
    return {
      supplier: { ...supplier, billing: { ...supplier.billing, invoices } },
      stateKey: known(BILLING_STATES, supplier.billing.state, 'suppliers.billing'),
      terms,
      discountBp: bp,
      portal: { configured: this.billing.stripeConfigured, ready: this.billing.stripeConfigured && Boolean(supplier.billing.customerId) },
    };
  }
}
