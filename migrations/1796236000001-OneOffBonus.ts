import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A one-off bonus per converted supplier: the program's flat amount (minor units of its currency, 0 =
 * none) and whether it comes in addition to the recurring percentage or instead of it; both locked on
 * the attribution at redemption like the split. `commission_bonuses` holds one row per attribution
 * (exactly one bonus ever): the first paid invoice it rides on, its hold, and what is posted.
 */
export class OneOffBonus1796236000001 implements MigrationInterface {
  name = 'OneOffBonus1796236000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE program_settings
        ADD COLUMN bonus_amount bigint NOT NULL DEFAULT 0 CHECK (bonus_amount >= 0),
        ADD COLUMN bonus_mode text NOT NULL DEFAULT 'in_addition' CHECK (bonus_mode IN ('in_addition', 'instead'))`);
    await q.query(`
      ALTER TABLE supplier_attributions
        ADD COLUMN bonus_amount bigint NOT NULL DEFAULT 0 CHECK (bonus_amount >= 0),
        ADD COLUMN bonus_mode text NOT NULL DEFAULT 'in_addition' CHECK (bonus_mode IN ('in_addition', 'instead'))`);
    await q.query(`
      CREATE TABLE commission_bonuses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        attribution_id uuid NOT NULL UNIQUE REFERENCES supplier_attributions(id),
        invoice_id text,
        supplier_id uuid,
        referrer_id uuid,
        currency char(3),
        paid_at timestamptz,
        available_at timestamptz,
        released_at timestamptz,
        posted_pending bigint NOT NULL DEFAULT 0,
        posted_available bigint NOT NULL DEFAULT 0,
        adjustments int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX commission_bonuses_invoice ON commission_bonuses (invoice_id)`);
    await q.query(`CREATE INDEX commission_bonuses_due ON commission_bonuses (available_at) WHERE released_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE commission_bonuses`);
    await q.query(`ALTER TABLE supplier_attributions DROP COLUMN bonus_amount, DROP COLUMN bonus_mode`);
    await q.query(`ALTER TABLE program_settings DROP COLUMN bonus_amount, DROP COLUMN bonus_mode`);
  }
}
