import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suppliers and their attribution (terms locked at sign-up), their Stripe billing records, the
 * Stripe webhook inbox, and the commission facts per invoice (payments, refunds, disputes) from
 * which every commission posting is recomputed.
 */
export class SupplierBilling1763920000000 implements MigrationInterface {
  name = 'SupplierBilling1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppliers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL UNIQUE REFERENCES users(id),
        company_name text NOT NULL,
        company_tax_id text NOT NULL,
        email_domain text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT suppliers_tax_id_unique UNIQUE (company_tax_id)
      )`);
    await q.query(`
      CREATE TABLE supplier_attributions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        supplier_id uuid NOT NULL REFERENCES suppliers(id),
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        promo_code_id uuid NOT NULL REFERENCES promo_codes(id),
        discount_bp int NOT NULL CHECK (discount_bp >= 0),
        commission_bp int NOT NULL CHECK (commission_bp >= 0),
        commission_months int CHECK (commission_months IS NULL OR commission_months > 0),
        currency char(3) NOT NULL,
        via text NOT NULL CHECK (via IN ('code','link')),
        created_at timestamptz NOT NULL DEFAULT now(),
        first_paid_at timestamptz,
        stopped_at timestamptz,
        CONSTRAINT supplier_attributions_one_per_supplier UNIQUE (supplier_id)
      )`);
    await q.query(`CREATE INDEX supplier_attributions_referrer ON supplier_attributions (referrer_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE billing_accounts (
        supplier_id uuid PRIMARY KEY REFERENCES suppliers(id),
        stripe_customer_id text NOT NULL UNIQUE,
        stripe_coupon_id text,
        stripe_subscription_id text UNIQUE,
        subscription_status text,
        subscription_event_at bigint NOT NULL DEFAULT 0,
        latest_invoice_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE billing_invoices (
        stripe_invoice_id text PRIMARY KEY,
        supplier_id uuid NOT NULL REFERENCES suppliers(id),
        number text,
        status text NOT NULL,
        currency char(3) NOT NULL,
        total bigint NOT NULL,
        total_excluding_tax bigint,
        amount_paid bigint NOT NULL,
        hosted_invoice_url text,
        created_at timestamptz NOT NULL,
        paid_at timestamptz,
        event_at bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX billing_invoices_supplier ON billing_invoices (supplier_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE stripe_webhook_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'received' CHECK (status IN ('received','processed','ignored','failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        processed_at timestamptz,
        next_attempt_at timestamptz
      )`);
    await q.query(`CREATE INDEX stripe_webhook_events_open ON stripe_webhook_events (received_at) WHERE status IN ('received','failed')`);

    // One row per Stripe invoice: the facts (paid amounts) and what has been posted for it so far.
    await q.query(`
      CREATE TABLE commissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id text NOT NULL UNIQUE,
        supplier_id uuid REFERENCES suppliers(id),
        attribution_id uuid REFERENCES supplier_attributions(id),
        referrer_id uuid REFERENCES referrers(id),
        currency char(3),
        commission_bp int,
        paid boolean NOT NULL DEFAULT false,
        amount_paid bigint NOT NULL DEFAULT 0,
        total bigint NOT NULL DEFAULT 0,
        total_excluding_tax bigint NOT NULL DEFAULT 0,
        paid_at timestamptz,
        available_at timestamptz,
        released_at timestamptz,
        posted_pending bigint NOT NULL DEFAULT 0,
        posted_available bigint NOT NULL DEFAULT 0,
        posted_disputed bigint NOT NULL DEFAULT 0,
        adjustments int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX commissions_release_due ON commissions (available_at) WHERE released_at IS NULL AND paid`);
    await q.query(`CREATE INDEX commissions_referrer ON commissions (referrer_id, paid_at DESC)`);
    await q.query(`
      CREATE TABLE commission_payment_intents (
        payment_intent_id text PRIMARY KEY,
        invoice_id text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE commission_charge_refunds (
        charge_id text PRIMARY KEY,
        invoice_id text NOT NULL,
        amount_refunded bigint NOT NULL CHECK (amount_refunded >= 0)
      )`);
    await q.query(`CREATE INDEX commission_charge_refunds_invoice ON commission_charge_refunds (invoice_id)`);
    await q.query(`
      CREATE TABLE commission_refunds (
        refund_id text PRIMARY KEY,
        invoice_id text NOT NULL,
        charge_id text,
        amount bigint NOT NULL CHECK (amount >= 0),
        status text NOT NULL
      )`);
    await q.query(`CREATE INDEX commission_refunds_invoice ON commission_refunds (invoice_id)`);
    await q.query(`
      CREATE TABLE commission_disputes (
        dispute_id text PRIMARY KEY,
        invoice_id text NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        status text NOT NULL CHECK (status IN ('open','won','lost'))
      )`);
    await q.query(`CREATE INDEX commission_disputes_invoice ON commission_disputes (invoice_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'commission_disputes',
      'commission_refunds',
      'commission_charge_refunds',
      'commission_payment_intents',
      'commissions',
      'stripe_webhook_events',
      'billing_invoices',
      'billing_accounts',
      'supplier_attributions',
      'suppliers',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
