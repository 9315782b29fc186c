import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exchange members are paid like referrers.
 *
 * - `exchange_settings.fee_payer`: who funds the referral fee on a won lead — the operator (as
 *   before) or the receiving member (its account is debited). A new exchange charges no fee.
 * - `exchange_fees.payer_member_id`: the member debited for the fee (null = the operator paid).
 * - `payout_details` and `payout_items` name a payee that is either a referrer or an exchange member
 *   (`payee_kind`); the `referrer_id` column keeps its name and holds the payee's id. Integrity stays
 *   with the database: a stored generated column per kind carries the foreign key.
 */
export class ExchangeMemberPayouts1796400000000 implements MigrationInterface {
  name = 'ExchangeMemberPayouts1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exchange_settings ADD COLUMN fee_payer text NOT NULL DEFAULT 'operator' CHECK (fee_payer IN ('operator','receiving_member'))`);
    await q.query(`ALTER TABLE exchange_settings ALTER COLUMN fee_kind SET DEFAULT 'none'`);
    await q.query(`ALTER TABLE exchange_fees ADD COLUMN payer_member_id uuid REFERENCES exchange_members(id)`);
    for (const table of ['payout_details', 'payout_items']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_referrer_id_fkey`);
      await q.query(`ALTER TABLE ${table} ADD COLUMN payee_kind text NOT NULL DEFAULT 'referrer' CHECK (payee_kind IN ('referrer','exchange_member'))`);
      await q.query(`ALTER TABLE ${table} ADD COLUMN payee_referrer_id uuid GENERATED ALWAYS AS (CASE WHEN payee_kind = 'referrer' THEN referrer_id END) STORED REFERENCES referrers(id)`);
      await q.query(`ALTER TABLE ${table} ADD COLUMN payee_member_id uuid GENERATED ALWAYS AS (CASE WHEN payee_kind = 'exchange_member' THEN referrer_id END) STORED REFERENCES exchange_members(id)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['payout_items', 'payout_details']) {
      await q.query(`DELETE FROM ${table} WHERE payee_kind <> 'referrer'`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN payee_member_id, DROP COLUMN payee_referrer_id, DROP COLUMN payee_kind`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES referrers(id)`);
    }
    await q.query(`ALTER TABLE exchange_fees DROP COLUMN payer_member_id`);
    await q.query(`ALTER TABLE exchange_settings ALTER COLUMN fee_kind DROP DEFAULT`);
    await q.query(`ALTER TABLE exchange_settings DROP COLUMN fee_payer`);
  }
}
