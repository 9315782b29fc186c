import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_post(...)`: writes one posting in a single round trip, inside the caller's transaction.
 * LedgerService validates the request first (lines, currencies, balance per currency); this function
 * does what needs the database, in an order that cannot deadlock between postings:
 *   1. claims the idempotency key (unique constraint + ON CONFLICT: a concurrent claimant of the same key
 *      waits for the first, then sees it) — a used key returns the existing posting and its request hash;
 *   2. gets or creates the accounts, in (kind, owner, currency) order;
 *   3. locks the account rows FOR UPDATE in id order;
 *   4. refuses (SQLSTATE LG001) to take an owner account below zero unless p_allow_overdraft;
 *   5. inserts the entries with their running balance_after and updates the stored balances.
 * Holding the account locks for as short a time as possible matters: the platform accounts take part in
 * most postings, so they are held until the caller commits.
 */
export class LedgerPostFunction1763910000001 implements MigrationInterface {
  name = 'LedgerPostFunction1763910000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger_post(
        p_key text, p_hash text, p_cause text, p_cause_ref text, p_description text, p_occurred_at timestamptz, p_metadata jsonb,
        p_kinds text[], p_owners uuid[], p_currencies text[], p_amounts bigint[], p_allow_overdraft boolean,
        OUT posting_id bigint, OUT created boolean, OUT existing_hash text)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_keys text[] := '{}';
        v_ids bigint[] := '{}';
        v_line_ids bigint[] := '{}';
        v_id bigint;
        r record;
        bad record;
      BEGIN
        INSERT INTO ledger_postings (idempotency_key, request_hash, cause, cause_ref, description, occurred_at, metadata)
        VALUES (p_key, p_hash, p_cause, p_cause_ref, p_description, coalesce(p_occurred_at, now()), coalesce(p_metadata, '{}'::jsonb))
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id INTO posting_id;
        IF posting_id IS NULL THEN
          SELECT p.id, p.request_hash INTO posting_id, existing_hash FROM ledger_postings p WHERE p.idempotency_key = p_key;
          created := false;
          RETURN;
        END IF;
        created := true;

        -- Get or create each account once, in a fixed key order (concurrent creators wait in one order).
        FOR r IN SELECT DISTINCT x.k, x.o, x.c FROM unnest(p_kinds, p_owners, p_currencies) AS x(k, o, c) ORDER BY x.k, x.o, x.c LOOP
          v_id := NULL;
          IF r.o IS NULL THEN
            SELECT a.id INTO v_id FROM ledger_accounts a WHERE a.kind = r.k AND a.owner_id IS NULL AND a.currency = r.c;
          ELSE
            SELECT a.id INTO v_id FROM ledger_accounts a WHERE a.kind = r.k AND a.owner_id = r.o AND a.currency = r.c;
          END IF;
          IF v_id IS NULL THEN
            INSERT INTO ledger_accounts (kind, owner_id, currency) VALUES (r.k, r.o, r.c) ON CONFLICT DO NOTHING RETURNING id INTO v_id;
            IF v_id IS NULL THEN
              IF r.o IS NULL THEN
                SELECT a.id INTO v_id FROM ledger_accounts a WHERE a.kind = r.k AND a.owner_id IS NULL AND a.currency = r.c;
              ELSE
                SELECT a.id INTO v_id FROM ledger_accounts a WHERE a.kind = r.k AND a.owner_id = r.o AND a.currency = r.c;
              END IF;
            END IF;
          END IF;
          v_keys := v_keys || (r.k || '|' || coalesce(r.o::text, '') || '|' || r.c);
          v_ids := v_ids || v_id;
        END LOOP;
        FOR i IN 1 .. array_length(p_kinds, 1) LOOP
          v_line_ids := v_line_ids || v_ids[array_position(v_keys, p_kinds[i] || '|' || coalesce(p_owners[i]::text, '') || '|' || p_currencies[i])];
        END LOOP;

        -- Lock in id order: every posting takes its locks in the same global order, so none deadlock.
        PERFORM 1 FROM ledger_accounts a WHERE a.id = ANY(v_ids) ORDER BY a.id FOR UPDATE;

        IF NOT p_allow_overdraft THEN
          SELECT a.id, a.kind, a.owner_id, a.currency, a.balance + d.delta AS after INTO bad
          FROM (SELECT l.account_id, sum(l.amount) AS delta FROM unnest(v_line_ids, p_amounts) AS l(account_id, amount) GROUP BY l.account_id) d
          JOIN ledger_accounts a ON a.id = d.account_id
          WHERE a.owner_id IS NOT NULL AND d.delta < 0 AND a.balance + d.delta < 0
          ORDER BY a.id LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION '% of % would go to % %', bad.kind, bad.owner_id, bad.after, bad.currency
              USING ERRCODE = 'LG001', DETAIL = json_build_object('kind', bad.kind, 'ownerId', bad.owner_id, 'currency', bad.currency, 'balance', bad.after::text)::text;
          END IF;
        END IF;

        INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after)
        SELECT posting_id, l.account_id, a.currency, l.amount, a.balance + sum(l.amount) OVER (PARTITION BY l.account_id ORDER BY l.n)
        FROM unnest(v_line_ids, p_amounts) WITH ORDINALITY AS l(account_id, amount, n)
        JOIN ledger_accounts a ON a.id = l.account_id
        ORDER BY l.n;

        UPDATE ledger_accounts a SET balance = a.balance + d.delta
        FROM (SELECT l.account_id, sum(l.amount) AS delta FROM unnest(v_line_ids, p_amounts) AS l(account_id, amount) GROUP BY l.account_id) d
        WHERE a.id = d.account_id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS ledger_post(text, text, text, text, text, timestamptz, jsonb, text[], uuid[], text[], bigint[], boolean)`);
  }
}
