import { Module } from '@nestjs/common';
import { CommissionsModule } from '../commissions/commissions.module';
import { PayoutDetailsModule } from '../payout-details/payout-details.module';
import { ProgramModule } from '../program/program.module';
import { PromoCodesModule } from '../promo-codes/promo-codes.module';
import { ReferrersModule } from '../referrers/referrers.module';
import { SplitsModule } from '../splits/splits.module';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { AdminPeoplePagesController } from './admin-people-pages.controller';
import { AdminPeopleRepository } from './admin-people.repository';
import { AdminPeopleService } from './admin-people.service';

/** The admin's pages about referrers and suppliers (search, a referrer's page, a supplier's page with the attribution change). */
@Module({
  imports: [ProgramModule, CommissionsModule, PayoutDetailsModule, PromoCodesModule, ReferrersModule, SplitsModule, SuppliersModule],
  controllers: [AdminPeoplePagesController],
  providers: [AdminPeopleService, AdminPeopleRepository],
})
export class AdminPeopleModule {}
