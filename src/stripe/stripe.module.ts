import { Global, Module } from '@nestjs/common';
import { StripeClient } from './stripe.client';
import { StripeEventHandlers } from './stripe-event-handlers';

@Global()
@Module({ providers: [StripeClient, StripeEventHandlers], exports: [StripeClient, StripeEventHandlers] })
export class StripeModule {}
