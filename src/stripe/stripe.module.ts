import { Module } from '@nestjs/common';
import { StripeClient } from './stripe.client';

/** The Stripe API client; import it where a feature calls Stripe. Events come in through stripe-webhooks. */
@Module({ providers: [StripeClient], exports: [StripeClient] })
export class StripeModule {}
