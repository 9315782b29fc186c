import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { StripeClient } from '../stripe/stripe.client';
import { StripeEventHandlers } from '../stripe-webhooks/stripe-event-handlers';
import { BankDetails, last4, normalizeBankDetails } from './bank-details';
import { decryptDetails, encryptDetails } from '../common/crypto/details-crypto';
import { BankDetailsDto, ConnectOnboardingView, PayoutDetailsView } from './payout-details.dto';
import { PayeeKind, PayoutDetails, PayoutMethod } from './payout-details.entity';
import { PayoutDetailsErrorCode, PayoutDetailsException } from './payout-details.exception';

/**
 * SQL condition (on payout_details aliased `d`) for "a batch can pay this referrer now". Shared
 * with the payout preview so both always agree.
 */
export const USABLE_DETAILS_SQL = `((d.method = 'bank' AND d.bank_encrypted IS NOT NULL) OR (d.method = 'stripe_connect' AND d.stripe_transfers_active))`;

/**
 * On `d` (payout_details): the payee's email address is confirmed. Only self-registered referrers
 * confirm theirs (users.email_verified_at); exchange members are admitted by the operator. Payouts
 * wait for it when PAYOUT_EMAIL_VERIFICATION=required.
 */
export const EMAIL_CONFIRMED_SQL = `(d.payee_kind <> 'referrer' OR EXISTS (SELECT 1 FROM referrers vr JOIN users vu ON vu.id = vr.user_id WHERE vr.id = d.referrer_id AND vu.email_verified_at IS NOT NULL))`;

/** Each payee's payout-details page (Stripe's onboarding links come back to it). */
export const PAYOUT_DETAILS_PAGE: Record<PayeeKind, string> = {
  [PayeeKind.Referrer]: '/cabinet/payout-details',
  [PayeeKind.ExchangeMember]: '/exchange/payout-details',
};

export function isUsable(d: PayoutDetails | null): boolean {
  if (!d) return false;
  return d.method === PayoutMethod.Bank ? d.bankEncrypted !== null : d.stripeTransfersActive;
}

/** Payees' payout details (referrers and exchange members alike): a Stripe Connect Express account or bank details, encrypted at rest. */
@Injectable()
export class PayoutDetailsService implements OnModuleInit {
  private readonly logger = new Logger('PayoutDetails');

  constructor(
    private readonly db: DataSource,
    private readonly stripe: StripeClient,
    private readonly stripeHandlers: StripeEventHandlers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Stripe tells us when onboarding finished and transfers are allowed (or no longer are).
    this.stripeHandlers.register('account.updated', (event, m) => this.applyAccount(m, event.data.object as Stripe.Account, new Date(event.created * 1000)));
  }

  async view(referrerId: string): Promise<PayoutDetailsView> {
    const d = await this.db.manager.findOne(PayoutDetails, { where: { referrerId } });
    const bank = d?.bankEncrypted ? this.openBank(referrerId, d.bankEncrypted) : null;
    return {
      referrerId,
      method: d?.method ?? null,
      usable: isUsable(d),
      stripeAccountId: d?.stripeAccountId ?? null,
      stripeTransfersActive: d?.stripeTransfersActive ?? false,
      stripeDetailsSubmitted: d?.stripeDetailsSubmitted ?? false,
      bank: bank ? { accountHolder: bank.accountHolder, bankIdentifier: bank.bankIdentifier, accountNumberLast4: last4(bank.accountNumber) } : null,
    };
  }

  async setBank(referrerId: string, dto: BankDetailsDto, kind: PayeeKind = PayeeKind.Referrer): Promise<PayoutDetailsView> {
    const { details, problems } = normalizeBankDetails(dto);
    if (problems.length > 0) {
      throw new PayoutDetailsException(PayoutDetailsErrorCode.BANK_DETAILS_MALFORMED, problems.map((p) => p.problem).join('; '), problems);
    }
    const blob = encryptDetails(this.config.payoutDetailsKey, referrerId, details);
    await this.db.query(
      `INSERT INTO payout_details (referrer_id, payee_kind, method, bank_encrypted, bank_account_last4) VALUES ($1, $4, 'bank', $2, $3)
       ON CONFLICT (referrer_id) DO UPDATE SET method = 'bank', bank_encrypted = EXCLUDED.bank_encrypted,
         bank_account_last4 = EXCLUDED.bank_account_last4, updated_at = now()`,
      [referrerId, blob, last4(details.accountNumber), kind],
    );
    return this.view(referrerId);
  }

  /**
   * Creates the referrer's Express account (once: the idempotency key is the referrer) and returns a
   * fresh onboarding link. Choosing Connect makes it the payout method; it becomes usable when
   * Stripe reports the transfers capability active.
   */
  async startConnect(referrerId: string, kind: PayeeKind = PayeeKind.Referrer): Promise<ConnectOnboardingView> {
    let accountId = (await this.db.manager.findOne(PayoutDetails, { where: { referrerId } }))?.stripeAccountId ?? null;
    try {
      if (!accountId) {
        const owners = kind === PayeeKind.ExchangeMember ? 'exchange_members' : 'referrers';
        const [{ email }] = await this.db.query(`SELECT u.email FROM ${owners} r JOIN users u ON u.id = r.user_id WHERE r.id = $1`, [referrerId]);
        const account = await this.stripe.api.accounts.create(
          { type: 'express', email, capabilities: { transfers: { requested: true } }, metadata: { referrer_id: referrerId, ...(kind === PayeeKind.ExchangeMember ? { payee_kind: kind } : {}) } },
          { idempotencyKey: `connect-account:${referrerId}` },
        );
        accountId = account.id;
      }
      await this.db.query(
        `INSERT INTO payout_details (referrer_id, payee_kind, method, stripe_account_id) VALUES ($1, $3, 'stripe_connect', $2)
         ON CONFLICT (referrer_id) DO UPDATE SET method = 'stripe_connect',
           stripe_account_id = COALESCE(payout_details.stripe_account_id, EXCLUDED.stripe_account_id), updated_at = now()`,
        [referrerId, accountId, kind],
      );
      const pages = PAYOUT_DETAILS_PAGE[kind];
      const link = await this.stripe.api.accountLinks.create({
        account: accountId,
        type: 'account_onboarding',
        refresh_url: `${this.config.publicBaseUrl}${pages}/connect/refresh`,
        return_url: `${this.config.publicBaseUrl}${pages}/connect/return`,
      });
      return { stripeAccountId: accountId, onboardingUrl: link.url };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeError) {
        this.logger.warn({ err: err.message, referrerId }, 'Stripe Connect onboarding failed');
        throw new PayoutDetailsException(PayoutDetailsErrorCode.CONNECT_ACCOUNT_FAILED, `Stripe refused to set up the account: ${err.message}`);
      }
      throw err;
    }
  }

  /** After the referrer comes back from onboarding: ask Stripe now rather than wait for the webhook. */
  async refreshConnect(referrerId: string): Promise<PayoutDetailsView> {
    const d = await this.db.manager.findOne(PayoutDetails, { where: { referrerId } });
    if (!d?.stripeAccountId) throw new PayoutDetailsException(PayoutDetailsErrorCode.PAYOUT_DETAILS_NOT_FOUND, 'No Stripe account has been set up yet');
    const account = await this.stripe.api.accounts.retrieve(d.stripeAccountId);
    await this.applyAccount(this.db.manager, account, new Date());
    return this.view(referrerId);
  }

  /** Records what Stripe says about an account; an event older than the last one applied is ignored. */
  async applyAccount(m: EntityManager, account: Stripe.Account, at: Date): Promise<void> {
    const transfers = (account.capabilities as Record<string, string> | undefined)?.transfers;
    await m.query(
      `UPDATE payout_details SET stripe_transfers_active = $2, stripe_details_submitted = $3, stripe_status_at = $4, updated_at = now()
       WHERE stripe_account_id = $1 AND (stripe_status_at IS NULL OR stripe_status_at <= $4)`,
      [account.id, transfers === 'active', account.details_submitted === true, at],
    );
  }

  /** Decrypts bank details (for the bank export); the owner id is part of the encryption. */
  openBank(referrerId: string, blob: Buffer): BankDetails {
    return decryptDetails<BankDetails>(this.config.payoutDetailsKey, referrerId, blob);
  }
}
