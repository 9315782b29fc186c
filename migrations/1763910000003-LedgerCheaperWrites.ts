import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper ledger writes, same guarantees. Measured on a 100,000-posting batch, the per-row machinery
 * PostgreSQL ran around every insert cost more than the inserts themselves:
 *
 * 1. Balance check per statement instead of per row. The deferred constraint triggers ran
 *    ledger_check_posting once per posting AND once per entry at commit (300,000 aggregate queries for
 *    100,000 postings). Now an AFTER INSERT ... FOR EACH STATEMENT trigger on ledger_entries checks the
 *    statement's own rows (transition table, no table access): they must sum to zero per posting and
 *    currency. That is exact by induction: every statement that adds entries leaves each posting it
 *    touched balanced, so a posting's earlier entries already sum to zero and only the new rows can
 *    unbalance it. Consequence: a posting's entries are written by one statement (LedgerService always
 *    does); entries written around the service that do not balance are refused at the end of their
 *    statement (earlier than commit). Because amounts are never 0, a balanced posting with entries has
 *    at least two, so what is left for commit is "every new posting has entries at all", checked once
 *    per INSERT statement on ledger_postings (set-based), not once per posting; a posting and its
 *    entries may still be written by separate statements.
 *
 * 2. Referential integrity of entries per statement instead of per row. The two foreign keys ran one
 *    SELECT ... FOR KEY SHARE per entry and key (the posting lock also rewrote every new posting's
 *    xmax: a WAL record per posting). The same statement-level trigger now checks, set-based, that every
 *    new entry's posting exists and its (account, currency) is an existing account's. What the foreign
 *    keys' FOR KEY SHARE locks protected against (the referenced row disappearing or changing key) cannot
 *    happen: postings are already immutable (refuse_change on UPDATE/DELETE/TRUNCATE), and accounts now
 *    refuse DELETE, TRUNCATE and any change of id, kind, owner or currency. ledger:verify still checks
 *    entry/account currency. The (id, currency) unique index existed only as the foreign key's target.
 *
 * 3. ledger_accounts fillfactor 50: every posting rewrites its accounts' stored balances; with free
 *    room on the page (a bulk posting updates each row of a page once before any old version can be
 *    pruned) those updates are HOT, so the account indexes are not touched. No index includes `balance`
 *    (ledger_accounts_identity, _owner and the primary key; see 1763910000000), which HOT also needs.
 *    The setting applies to pages written from now on (an existing large table needs VACUUM FULL or
 *    pg_repack to get it everywhere).
 */
export class LedgerCheaperWrites1763910000003 implements MigrationInterface {
  name = 'LedgerCheaperWrites1763910000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER ledger_entries_balanced ON ledger_entries`);
    await q.query(`DROP TRIGGER ledger_postings_balanced ON ledger_postings`);

    await q.query(`
      CREATE FUNCTION ledger_entries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        bad record;
      BEGIN
        SELECT n.posting_id, n.currency, sum(n.amount) AS total INTO bad
          FROM new_entries n GROUP BY n.posting_id, n.currency HAVING sum(n.amount) <> 0
         ORDER BY n.posting_id LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger posting % does not balance: % sums to %', bad.posting_id, bad.currency, bad.total USING ERRCODE = '23514';
        END IF;
        -- Aggregates, not DISTINCT ... LIMIT 1: the planner knows the transition table's row count, so a
        -- few rows are probed through the primary keys and a bulk insert is hash-joined in one pass.
        SELECT min(n.posting_id) AS posting_id INTO bad
          FROM new_entries n
         WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.id = n.posting_id);
        IF bad.posting_id IS NOT NULL THEN
          RAISE EXCEPTION 'ledger entry refers to posting %, which does not exist', bad.posting_id USING ERRCODE = '23503';
        END IF;
        SELECT min(n.account_id) AS account_id INTO bad
          FROM new_entries n
         WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = n.account_id AND a.currency = n.currency);
        IF bad.account_id IS NOT NULL THEN
          RAISE EXCEPTION 'ledger entry refers to account %, which does not exist in its currency', bad.account_id USING ERRCODE = '23503';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_entries_checked AFTER INSERT ON ledger_entries
        REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_inserted()`);

    // "Has entries" is checked at commit, once per INSERT statement on ledger_postings rather than once
    // per posting: a statement trigger files the statement's posting ids as one row of
    // ledger_posting_checks, whose deferred constraint trigger checks them set-based and removes the row.
    await q.query(`CREATE TABLE ledger_posting_checks (id bigserial PRIMARY KEY, posting_ids bigint[] NOT NULL)`);
    await q.query(`
      CREATE FUNCTION ledger_postings_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ledger_posting_checks (posting_ids) SELECT array_agg(n.id) FROM new_postings n HAVING count(*) > 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_postings_filed AFTER INSERT ON ledger_postings
        REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_inserted()`);
    await q.query(`
      CREATE FUNCTION ledger_postings_have_entries() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v_id bigint;
      BEGIN
        SELECT min(x.id) INTO v_id FROM unnest(NEW.posting_ids) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.posting_id = x.id);
        IF v_id IS NOT NULL THEN
          RAISE EXCEPTION 'ledger posting % has 0 entries; at least 2 are required', v_id USING ERRCODE = '23514';
        END IF;
        DELETE FROM ledger_posting_checks WHERE id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_posting_checks_due AFTER INSERT ON ledger_posting_checks
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_postings_have_entries()`);

    await q.query(`ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_posting_id_fkey`);
    await q.query(`ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account`);
    await q.query(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_id_currency`);
    await q.query(`
      CREATE FUNCTION ledger_account_identity_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger accounts are never removed and never change identity (id, kind, owner, currency): % refused', TG_OP USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`CREATE TRIGGER ledger_accounts_kept BEFORE DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_account_identity_fixed()`);
    await q.query(`CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION ledger_account_identity_fixed()`);
    // Column list + WHEN: balance updates never even evaluate it.
    await q.query(`
      CREATE TRIGGER ledger_accounts_identity_fixed BEFORE UPDATE OF id, kind, owner_id, currency ON ledger_accounts FOR EACH ROW
        WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.currency IS DISTINCT FROM NEW.currency)
        EXECUTE FUNCTION ledger_account_identity_fixed()`);

    await q.query(`ALTER TABLE ledger_accounts SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_accounts RESET (fillfactor)`);
    await q.query(`DROP TRIGGER ledger_accounts_identity_fixed ON ledger_accounts`);
    await q.query(`DROP TRIGGER ledger_accounts_no_truncate ON ledger_accounts`);
    await q.query(`DROP TRIGGER ledger_accounts_kept ON ledger_accounts`);
    await q.query(`DROP FUNCTION ledger_account_identity_fixed()`);
    await q.query(`ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_id_currency UNIQUE (id, currency)`);
    await q.query(`ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_account FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)`);
    await q.query(`ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_posting_id_fkey FOREIGN KEY (posting_id) REFERENCES ledger_postings (id)`);
    await q.query(`DROP TRIGGER ledger_postings_filed ON ledger_postings`);
    await q.query(`DROP FUNCTION ledger_postings_inserted()`);
    await q.query(`DROP TABLE ledger_posting_checks`);
    await q.query(`DROP FUNCTION ledger_postings_have_entries()`);
    await q.query(`DROP TRIGGER ledger_entries_checked ON ledger_entries`);
    await q.query(`DROP FUNCTION ledger_entries_inserted()`);
    // ledger_posting_balanced() / ledger_check_posting() were left in place by up().
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balanced()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balanced()`);
  }
}
