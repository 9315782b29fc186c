import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every person's language (ru/en), set from the page locale at registration, invite or first login
 * and changeable by them: every email to a person is rendered in it. Notifications gain a lookup
 * index for the per-kind throttle (at most one mail of a kind per hour to a person).
 */
export class UserLocaleNotifications1796209413175 implements MigrationInterface {
  name = 'UserLocaleNotifications1796209413175';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN locale text CHECK (locale IN ('en','ru'))`);
    await q.query(`CREATE INDEX notifications_user_kind_recent ON notifications (user_id, kind, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_user_kind_recent`);
    await q.query(`ALTER TABLE users DROP COLUMN locale`);
  }
}
