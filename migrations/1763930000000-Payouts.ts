import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payout details (Stripe Connect account or encrypted bank details), payout batches and their
 * items, finance adjustments and the finance audit log. Money movements themselves live in the
 * ledger; these tables hold the workflow around them.
 */
export class Payouts1763930000000 implements MigrationInterface {
  name = 'Payouts1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payout_details (
        referrer_id uuid PRIMARY KEY REFERENCES referrers(id),
        method text NOT NULL CHECK (method IN ('stripe_connect','bank')),
        stripe_account_id text UNIQUE,
        -- true once Stripe reports the transfers capability active (account.updated)
        stripe_transfers_active boolean NOT NULL DEFAULT false,
        stripe_details_submitted boolean NOT NULL DEFAULT false,
        -- created time of the newest account.updated applied; older events are ignored
        stripe_status_at timestamptz,
        -- AES-256-GCM: version(1) | iv(12) | tag(16) | ciphertext; AAD = referrer id
        bank_encrypted bytea,
        bank_account_last4 text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (method <> 'stripe_connect' OR stripe_account_id IS NOT NULL),
        CHECK (method <> 'bank' OR bank_encrypted IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE payout_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('created','approved','executing','completed','cancelled')),
        item_count int NOT NULL,
        total bigint NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        approved_by uuid REFERENCES users(id),
        approved_at timestamptz,
        executed_by uuid REFERENCES users(id),
        executed_at timestamptz,
        completed_at timestamptz,
        cancelled_by uuid REFERENCES users(id),
        cancelled_at timestamptz,
        CHECK (approved_by IS NULL OR approved_by <> created_by)
      )`);
    await q.query(`CREATE INDEX payout_batches_recent ON payout_batches (created_at DESC)`);
    await q.query(`
      CREATE TABLE payout_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        batch_id uuid NOT NULL REFERENCES payout_batches(id),
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        method text NOT NULL CHECK (method IN ('stripe_connect','bank')),
        stripe_account_id text,
        -- bank details as they were when the batch was created (same encryption as payout_details)
        bank_encrypted bytea,
        -- pending → sending (a transfer request may have reached Stripe) → paid | failed; cancelled
        status text NOT NULL CHECK (status IN ('pending','sending','paid','failed','cancelled')),
        stripe_transfer_id text,
        failure_reason text,
        resolved_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (batch_id, referrer_id),
        CHECK (method <> 'stripe_connect' OR stripe_account_id IS NOT NULL),
        CHECK (method <> 'bank' OR bank_encrypted IS NOT NULL),
        CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
      )`);
    // Partial: a new batch's items have no transfer yet and cost no index entry.
    await q.query(`CREATE UNIQUE INDEX payout_items_transfer ON payout_items (stripe_transfer_id) WHERE stripe_transfer_id IS NOT NULL`);
    await q.query(`CREATE INDEX payout_items_resolved ON payout_items (resolved_at) WHERE status = 'paid'`);
    await q.query(`
      CREATE TABLE payout_adjustments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        currency char(3) NOT NULL,
        -- positive credits the referrer, negative debits
        amount bigint NOT NULL CHECK (amount <> 0),
        reason text NOT NULL CHECK (length(btrim(reason)) >= 3),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payout_adjustments_referrer ON payout_adjustments (referrer_id)`);
    await q.query(`CREATE TRIGGER payout_adjustments_immutable BEFORE UPDATE OR DELETE ON payout_adjustments FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TABLE finance_audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users(id),
        actor_email text NOT NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        before jsonb,
        after jsonb,
        details jsonb
      )`);
    await q.query(`CREATE INDEX finance_audit_log_at ON finance_audit_log (at DESC)`);
    await q.query(`CREATE INDEX finance_audit_log_subject ON finance_audit_log (subject_type, subject_id)`);
    await q.query(`CREATE TRIGGER finance_audit_log_immutable BEFORE UPDATE OR DELETE ON finance_audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['finance_audit_log', 'payout_adjustments', 'payout_items', 'payout_batches', 'payout_details']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
