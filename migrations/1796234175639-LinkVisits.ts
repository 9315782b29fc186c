import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visits of referral links (/join?ref=CODE): one row per visitor, code and day (in the program's
 * time zone), people and machines apart. A visitor is a keyed daily hash (of a first-party cookie,
 * or of address and user agent), never a raw address; the same visitor on another day hashes
 * differently, so rows of different days cannot be joined to one person.
 */
export class LinkVisits1796234175639 implements MigrationInterface {
  name = 'LinkVisits1796234175639';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_visits (
        promo_code_id uuid NOT NULL REFERENCES promo_codes(id),
        day date NOT NULL,
        visitor_hash text NOT NULL,
        bot boolean NOT NULL,
        PRIMARY KEY (promo_code_id, day, visitor_hash)
      )`);
    // The per-code path (visits → sign-ups → paying) counts a code's sign-ups.
    await q.query(`CREATE INDEX supplier_attributions_promo_code ON supplier_attributions (promo_code_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX supplier_attributions_promo_code`);
    await q.query(`DROP TABLE link_visits`);
  }
}
