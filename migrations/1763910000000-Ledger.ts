import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry commission ledger. Accounts carry a stored running balance (kept by LedgerService
 * under row locks); postings and entries are append-only; a deferred constraint trigger refuses, at
 * commit, any posting whose entries do not sum to zero per currency or that has fewer than two entries.
 */
export class Ledger1763910000000 implements MigrationInterface {
  name = 'Ledger1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_accounts (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
        owner_id uuid,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_accounts_identity UNIQUE NULLS NOT DISTINCT (kind, owner_id, currency),
        -- target of the entries' (account_id, currency) key: an entry's currency is its account's
        CONSTRAINT ledger_accounts_id_currency UNIQUE (id, currency)
      )`);
    await q.query(`CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner_id, currency) WHERE owner_id IS NOT NULL`);
    // No index covers `balance`, so balance updates stay HOT (the platform accounts are updated by every posting).

    await q.query(`
      CREATE TABLE ledger_postings (
        id bigserial PRIMARY KEY,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
        request_hash text NOT NULL,
        cause text NOT NULL,
        cause_ref text NOT NULL,
        description text NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT ledger_postings_idempotency_key UNIQUE (idempotency_key)
      )`);
    await q.query(`CREATE INDEX ledger_postings_cause ON ledger_postings (cause, cause_ref)`);

    await q.query(`
      CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        posting_id bigint NOT NULL REFERENCES ledger_postings(id),
        account_id bigint NOT NULL,
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance_after bigint NOT NULL,
        CONSTRAINT ledger_entries_account FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
      )`);
    await q.query(`CREATE INDEX ledger_entries_statement ON ledger_entries (account_id, id)`);
    await q.query(`CREATE INDEX ledger_entries_posting ON ledger_entries (posting_id)`);

    for (const table of ['ledger_postings', 'ledger_entries']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }

    // Checked at commit (deferred), once the whole posting is written.
    await q.query(`
      CREATE FUNCTION ledger_check_posting(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        n bigint;
        bad record;
      BEGIN
        SELECT sum(s.entries) AS entries, (array_agg(s.currency) FILTER (WHERE s.total <> 0))[1] AS currency, (array_agg(s.total) FILTER (WHERE s.total <> 0))[1] AS total
          INTO bad
          FROM (SELECT currency, sum(amount) AS total, count(*) AS entries FROM ledger_entries WHERE posting_id = p_id GROUP BY currency) s;
        n := coalesce(bad.entries, 0);
        IF n < 2 THEN
          RAISE EXCEPTION 'ledger posting % has % entries; at least 2 are required', p_id, n USING ERRCODE = '23514';
        END IF;
        IF bad.currency IS NOT NULL THEN
          RAISE EXCEPTION 'ledger posting % does not balance: % sums to %', p_id, bad.currency, bad.total USING ERRCODE = '23514';
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION ledger_posting_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'ledger_postings' THEN
          PERFORM ledger_check_posting(NEW.id);
        -- An entry of a posting this (top-level) transaction created is checked by that posting's own
        -- trigger; entries added to any other posting are checked here.
        ELSIF NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.id = NEW.posting_id AND p.xmin = pg_current_xact_id()::xid) THEN
          PERFORM ledger_check_posting(NEW.posting_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balanced()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balanced()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ledger_entries`);
    await q.query(`DROP TABLE IF EXISTS ledger_postings`);
    await q.query(`DROP TABLE IF EXISTS ledger_accounts`);
    await q.query(`DROP FUNCTION IF EXISTS ledger_posting_balanced()`);
    await q.query(`DROP FUNCTION IF EXISTS ledger_check_posting(bigint)`);
  }
}
