import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin changes of a supplier's attribution. supplier_attributions stays the redemption record (who
 * redeemed which code, with the terms locked then, plus the supplier's first payment and stop date);
 * each row here says "from valid_from on, invoices earn for this referrer on these locked terms", or,
 * with referrer_id NULL, "from valid_from on, no one". The attribution in force for an invoice is the
 * latest change with valid_from <= its paid_at, else the redemption (AttributionService.inForceAt).
 */
export class AttributionChanges1764140000001 implements MigrationInterface {
  name = 'AttributionChanges1764140000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supplier_attribution_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        supplier_id uuid NOT NULL REFERENCES suppliers(id),
        attribution_id uuid NOT NULL REFERENCES supplier_attributions(id),
        valid_from timestamptz NOT NULL,
        referrer_id uuid REFERENCES referrers(id),
        promo_code_id uuid REFERENCES promo_codes(id),
        discount_bp int CHECK (discount_bp >= 0),
        commission_bp int CHECK (commission_bp >= 0),
        commission_months int CHECK (commission_months IS NULL OR commission_months > 0),
        currency char(3),
        previous_referrer_id uuid REFERENCES referrers(id),
        reason text NOT NULL CHECK (length(btrim(reason)) > 0),
        changed_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT supplier_attribution_changes_terms CHECK (
          (referrer_id IS NULL AND discount_bp IS NULL AND commission_bp IS NULL AND currency IS NULL AND commission_months IS NULL)
          OR (referrer_id IS NOT NULL AND discount_bp IS NOT NULL AND commission_bp IS NOT NULL AND currency IS NOT NULL)),
        CONSTRAINT supplier_attribution_changes_one_at_a_time UNIQUE (supplier_id, valid_from)
      )`);
    await q.query(`CREATE INDEX supplier_attribution_changes_referrer ON supplier_attribution_changes (referrer_id, valid_from DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS supplier_attribution_changes`);
  }
}
