import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff management: when an account last signed in, invitations (an invited account has no usable
 * password until the invitee sets one through a single-use link), the purpose of a one-time link
 * (password reset or invitation, same table and mechanism) and the invitation mail kind.
 */
export class StaffAccounts1796310000000 implements MigrationInterface {
  name = 'StaffAccounts1796310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN last_sign_in_at timestamptz,
        ADD COLUMN invited_at timestamptz,
        ADD COLUMN invited_by uuid REFERENCES users(id)`);
    await q.query(`ALTER TABLE password_resets ADD COLUMN purpose text NOT NULL DEFAULT 'reset' CHECK (purpose IN ('reset','invite'))`);
    await q.query(`ALTER TABLE mail_outbox DROP CONSTRAINT IF EXISTS mail_outbox_kind_check`);
    await q.query(`ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('campaign','test','notification','payout','password_reset','staff_invite','other'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM mail_outbox WHERE kind = 'staff_invite'`);
    await q.query(`ALTER TABLE mail_outbox DROP CONSTRAINT IF EXISTS mail_outbox_kind_check`);
    await q.query(`ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('campaign','test','notification','payout','password_reset','other'))`);
    await q.query(`ALTER TABLE password_resets DROP COLUMN purpose`);
    await q.query(`ALTER TABLE users DROP COLUMN invited_by, DROP COLUMN invited_at, DROP COLUMN last_sign_in_at`);
  }
}
