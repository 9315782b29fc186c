import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingModule } from '../billing/billing.module';
import { ProgramModule } from '../program/program.module';
import { PromoCodesModule } from '../promo-codes/promo-codes.module';
import { SplitsModule } from '../splits/splits.module';
import { SupplierAttribution } from './attribution.entity';
import { AttributionModule } from './attribution.module';
import { SupplierPagesController } from './supplier-pages.controller';
import { SupplierController } from './supplier.controller';
import { Supplier } from './supplier.entity';
import { SupplierService } from './supplier.service';
import { EventsModule } from '../events/events.module';
import { ReferralLinksModule } from '../referral-links/referral-links.module';

@Module({
  imports: [EventsModule, TypeOrmModule.forFeature([Supplier, SupplierAttribution]), ProgramModule, PromoCodesModule, SplitsModule, BillingModule, AttributionModule, ReferralLinksModule],
  controllers: [SupplierController, SupplierPagesController],
  providers: [SupplierService],
  exports: [SupplierService, AttributionModule],
})
export class SuppliersModule {}
