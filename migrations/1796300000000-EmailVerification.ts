import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a person proved they read mail at their address (the link sent at sign-up). Accounts that
 * existed before count as confirmed: the rule is new and they were never asked.
 */
export class EmailVerification1796300000000 implements MigrationInterface {
  name = 'EmailVerification1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz`);
    await q.query(`UPDATE users SET email_verified_at = created_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN email_verified_at`);
  }
}
