import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DomainException, unreachable } from '../common/errors/domain.exception';

/**
 * The one place the Stripe API version is pinned: the version the installed `stripe` package was
 * generated for. Webhook payload shapes and test fixtures follow it (e.g. an invoice's subscription
 * lives under parent.subscription_details; a refund reaches its invoice through invoice payments).
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export enum StripeErrorCode {
  STRIPE_NOT_CONFIGURED = 'STRIPE_NOT_CONFIGURED',
  STRIPE_UNAVAILABLE = 'STRIPE_UNAVAILABLE',
}

export class StripeException extends DomainException<StripeErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case StripeErrorCode.STRIPE_NOT_CONFIGURED:
        return 503;
      case StripeErrorCode.STRIPE_UNAVAILABLE:
        return 502;
      default:
        return unreachable(this.code);
    }
  }
}

/** The official client, pointed at api.stripe.com or (tests) at STRIPE_API_BASE. */
@Injectable()
export class StripeClient {
  private client?: Stripe;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get api(): Stripe {
    if (!this.config.stripe.secretKey) {
      throw new StripeException(StripeErrorCode.STRIPE_NOT_CONFIGURED, 'Billing is not configured: set STRIPE_SECRET_KEY');
    }
    const base = this.config.stripe.apiBase;
    this.client ??= new Stripe(this.config.stripe.secretKey, {
      apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
      protocol: base.protocol.replace(':', '') as 'http' | 'https',
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      maxNetworkRetries: 2,
      timeout: 20_000,
    });
    return this.client;
  }

  /** Verifies a webhook signature over the raw body (default tolerance 300 s). */
  constructEvent(rawBody: Buffer, signature: string, tolerance?: number): Stripe.Event {
    if (!this.config.stripe.webhookSecret) {
      throw new StripeException(StripeErrorCode.STRIPE_NOT_CONFIGURED, 'Webhooks are not configured: set STRIPE_WEBHOOK_SECRET');
    }
    return Stripe.webhooks.constructEvent(rawBody, signature, this.config.stripe.webhookSecret, tolerance) as Stripe.Event;
  }
}
