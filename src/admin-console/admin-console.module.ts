import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { ProgramModule } from '../program/program.module';
import { StripeWebhooksModule } from '../stripe-webhooks/stripe-webhooks.module';
import { AdminConsolePagesController } from './admin-console-pages.controller';
import { AdminConsoleRepository } from './admin-console.repository';
import { AdminConsoleService } from './admin-console.service';
import { AdminOfferService } from './admin-offer.service';
import { AdminSettingsService } from './admin-settings.service';

/** The admin's console: /admin (overview), /admin/settings, /admin/offer (+ diff), /admin/stripe-events. */
@Module({
  imports: [LedgerModule, ProgramModule, StripeWebhooksModule],
  controllers: [AdminConsolePagesController],
  providers: [AdminConsoleService, AdminConsoleRepository, AdminSettingsService, AdminOfferService],
})
export class AdminConsoleModule {}
