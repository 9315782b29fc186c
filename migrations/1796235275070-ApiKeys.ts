import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for server-to-server calls: `hs_<prefix>_<secret>`, stored as the SHA-256 of the whole
 * key (high-entropy, so a fast hash is enough), the prefix kept in clear to recognise a key. Each
 * acts with one staff role; a revoked key is refused.
 */
export class ApiKeys1796235275070 implements MigrationInterface {
  name = 'ApiKeys1796235275070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        prefix text NOT NULL UNIQUE,
        key_hash text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('finance','marketer','admin')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
