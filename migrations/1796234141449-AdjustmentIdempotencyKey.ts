import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An adjustment may carry the key its form (or API client) chose: the same key posts once. The
 * form renders a fresh key, so a double submit, a reload of the confirmation or a retry after a
 * lost answer finds the adjustment already made instead of making a second one.
 */
export class AdjustmentIdempotencyKey1796234141449 implements MigrationInterface {
  name = 'AdjustmentIdempotencyKey1796234141449';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payout_adjustments ADD COLUMN idempotency_key text`);
    await q.query(`CREATE UNIQUE INDEX payout_adjustments_idempotency_key ON payout_adjustments (idempotency_key) WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payout_adjustments_idempotency_key`);
    await q.query(`ALTER TABLE payout_adjustments DROP COLUMN idempotency_key`);
  }
}
