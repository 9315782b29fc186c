import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { CommissionsModule } from '../commissions/commissions.module';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { SupplierHomePagesController } from './supplier-home-pages.controller';

/** The supplier's own page (/supplier): price and discount, subscription, invoices, billing management. */
@Module({ imports: [SuppliersModule, BillingModule, CommissionsModule], controllers: [SupplierHomePagesController] })
export class SupplierHomeModule {}
