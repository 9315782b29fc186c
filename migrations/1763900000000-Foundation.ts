import { MigrationInterface, QueryRunner } from 'typeorm';

const DEFAULT_OFFER = `Handshake partner offer, version 1.

1. You recommend the service to suppliers you work with and give them your promo code or link.
2. A supplier that signs up with your code gets the discount you chose; you earn the commission share
   of every payment it makes for as long as the program's commission period lasts.
3. Commission is held for the program's hold period, then becomes available and is paid out once it
   reaches the payout minimum. Refunds and disputes reverse the commission they came from.
4. You may not refer your own company.`;

export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('referrer','supplier','finance','marketer','admin')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE program_settings (
        id smallint PRIMARY KEY CHECK (id = 1),
        currency char(3) NOT NULL,
        budget_bp int NOT NULL CHECK (budget_bp BETWEEN 1 AND 10000),
        discount_min_bp int NOT NULL CHECK (discount_min_bp >= 0),
        discount_max_bp int NOT NULL,
        commission_months int CHECK (commission_months IS NULL OR commission_months > 0),
        hold_days int NOT NULL CHECK (hold_days >= 0),
        payout_minimum bigint NOT NULL CHECK (payout_minimum >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users(id),
        CHECK (discount_min_bp <= discount_max_bp AND discount_max_bp <= budget_bp)
      )`);
    await q.query(`INSERT INTO program_settings (id, currency, budget_bp, discount_min_bp, discount_max_bp, commission_months, hold_days, payout_minimum)
                   VALUES (1, 'RUB', 2000, 0, 1500, 12, 30, 100000)`);
    await q.query(`
      CREATE TABLE offer_versions (
        id serial PRIMARY KEY,
        version int NOT NULL UNIQUE,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES users(id)
      )`);
    await q.query(`INSERT INTO offer_versions (version, text) VALUES (1, $1)`, [DEFAULT_OFFER]);
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`CREATE TRIGGER offer_versions_immutable BEFORE UPDATE OR DELETE ON offer_versions FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TABLE referrers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL UNIQUE REFERENCES users(id),
        full_name text NOT NULL,
        company_name text NOT NULL,
        company_tax_id text,
        email_domain text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX referrers_tax_id ON referrers (company_tax_id) WHERE company_tax_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE offer_acceptances (
        id bigserial PRIMARY KEY,
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        offer_version int NOT NULL REFERENCES offer_versions(version),
        accepted_at timestamptz NOT NULL DEFAULT now(),
        ip text NOT NULL,
        user_agent text
      )`);
    await q.query(`CREATE INDEX offer_acceptances_referrer ON offer_acceptances (referrer_id)`);
    await q.query(`CREATE TRIGGER offer_acceptances_immutable BEFORE UPDATE OR DELETE ON offer_acceptances FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TABLE referrer_splits (
        id bigserial PRIMARY KEY,
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        discount_bp int NOT NULL CHECK (discount_bp >= 0),
        commission_bp int NOT NULL CHECK (commission_bp >= 0),
        budget_bp int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (discount_bp + commission_bp = budget_bp)
      )`);
    await q.query(`CREATE INDEX referrer_splits_latest ON referrer_splits (referrer_id, id DESC)`);
    await q.query(`
      CREATE TABLE promo_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        referrer_id uuid NOT NULL REFERENCES referrers(id),
        code text NOT NULL UNIQUE CHECK (code = upper(code) AND length(code) >= 8),
        status text NOT NULL CHECK (status IN ('active','paused','revoked')),
        created_at timestamptz NOT NULL DEFAULT now(),
        status_changed_at timestamptz
      )`);
    await q.query(`CREATE INDEX promo_codes_referrer ON promo_codes (referrer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['promo_codes', 'referrer_splits', 'offer_acceptances', 'referrers', 'offer_versions', 'program_settings', 'users']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS refuse_change()`);
  }
}
