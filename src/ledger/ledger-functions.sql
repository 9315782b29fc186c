-- The ledger's PL/pgSQL, defined once. Every function the ledger keeps in PostgreSQL is here, as the
-- database holds it (pg_get_functiondef); test/ledger-functions.spec.ts fails when what a migrated
-- database holds differs from this file. To change one: edit it here and add a migration that runs
-- the file again (see migrations/*-LedgerFunctionsFromFile.ts), so the database and the file agree.
--
--   ledger_post_many                 the one write path (one posting is a run of one)
--   ledger_entries_inserted          statement trigger: balance per posting and currency, overdraft
--   ledger_postings_inserted         statement trigger: files each new posting for its deferred check
--   ledger_postings_have_entries     deferred constraint trigger: a posting has its entries at commit
--   ledger_check_posting             the per-posting balance check those triggers use
--   ledger_posting_balanced          the earlier row trigger of that check (no trigger uses it; the down
--                                    migration of LedgerCheaperWrites puts it back)
--   ledger_account_identity_fixed    accounts are never removed and never change identity
--   ledger_may_overdraw              the overdraft rule: an account kind's policy and the posting's
--                                    clawback flag (ACCOUNT_KIND_OVERDRAFT in ledger.types.ts is the same table)
--
-- ledger_post and ledger_post_many are dropped first: their overdraft flag was renamed (p_allow_overdraft,
-- "the cause may overdraw owner accounts", became p_clawback, "the posting is a clawback"), which CREATE
-- OR REPLACE cannot do, and migrations written before the rename run this file too. ledger_post, the
-- single posting's function, is not defined again: one posting goes through ledger_post_many as a run
-- of one. Nothing depends on them; the migration runs the file in its transaction.
DROP FUNCTION IF EXISTS ledger_post(text, text, text, text, text, timestamp with time zone, jsonb, text[], uuid[], text[], bigint[], boolean);
DROP FUNCTION IF EXISTS ledger_post_many(text[], text[], text[], text[], text[], timestamp with time zone[], jsonb[], boolean[], integer[], text[], uuid[], text[], bigint[]);

CREATE OR REPLACE FUNCTION ledger_account_identity_fixed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'ledger accounts are never removed and never change identity (id, kind, owner, currency): % refused', TG_OP USING ERRCODE = 'P0001';
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_check_posting(p_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
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
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_entries_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
      DECLARE
        bad record;
        v_postings bigint[];
        v_accounts bigint[];
        v_currencies text[];
        v_found int;
      BEGIN
        SELECT n.posting_id, n.currency, sum(n.amount) AS total INTO bad
          FROM new_entries n GROUP BY n.posting_id, n.currency HAVING sum(n.amount) <> 0
         ORDER BY n.posting_id LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger posting % does not balance: % sums to %', bad.posting_id, bad.currency, bad.total USING ERRCODE = '23514';
        END IF;
        -- The postings and accounts referred to must exist. A statement of a few thousand entries counts
        -- them through their keys (id = ANY of the distinct ids, a constant in this custom plan, so the
        -- estimate is right whatever the statistics say: joined to the tables, a ledger grown since its
        -- last ANALYZE was read whole by every posting call); a larger one is anti-joined in one pass.
        IF (SELECT count(*) FROM new_entries) <= 5000 THEN
          SELECT array_agg(DISTINCT n.posting_id) INTO v_postings FROM new_entries n;
          SELECT count(*) INTO v_found FROM ledger_postings p WHERE p.id = ANY(v_postings);
          IF v_found < coalesce(cardinality(v_postings), 0) THEN
            SELECT min(x.id) AS posting_id INTO bad FROM unnest(v_postings) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.id = x.id);
            RAISE EXCEPTION 'ledger entry refers to posting %, which does not exist', bad.posting_id USING ERRCODE = '23503';
          END IF;
          SELECT array_agg(d.account_id ORDER BY d.account_id, d.currency), array_agg(d.currency ORDER BY d.account_id, d.currency) INTO v_accounts, v_currencies
            FROM (SELECT DISTINCT n.account_id, n.currency::text AS currency FROM new_entries n) d;
          SELECT count(*) INTO v_found
            FROM ledger_accounts a JOIN unnest(v_accounts, v_currencies) AS x(id, currency) ON a.id = x.id AND a.currency = x.currency::bpchar
           WHERE a.id = ANY(v_accounts);
          IF v_found < coalesce(cardinality(v_accounts), 0) THEN
            SELECT min(x.id) AS account_id INTO bad
              FROM unnest(v_accounts, v_currencies) AS x(id, currency)
             WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = x.id AND a.currency = x.currency::bpchar);
            RAISE EXCEPTION 'ledger entry refers to account %, which does not exist in its currency', bad.account_id USING ERRCODE = '23503';
          END IF;
          RETURN NULL;
        END IF;
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
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_may_overdraw(p_kind text, p_clawback boolean)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
      -- Platform accounts carry the program's cost (negative by nature); a referrer's balances go below
      -- zero only by a clawback (the debt is carried against future earnings); in transit, paid and any
      -- other kind never.
      SELECT CASE
               WHEN p_kind IN ('platform_commission_expense', 'platform_adjustments') THEN true
               WHEN p_kind IN ('referrer_pending', 'referrer_available', 'referrer_disputed') THEN coalesce(p_clawback, false)
               ELSE false
             END
    $function$
;

CREATE OR REPLACE FUNCTION ledger_post_many(p_keys text[], p_hashes text[], p_causes text[], p_cause_refs text[], p_descriptions text[], p_occurred_at timestamp with time zone[], p_metadata jsonb[], p_clawback boolean[], l_postings integer[], l_kinds text[], l_owners uuid[], l_currencies text[], l_amounts bigint[], OUT posting_ids bigint[], OUT created boolean[], OUT conflict_index integer)
 RETURNS record
 LANGUAGE plpgsql
 SET work_mem TO '64MB'
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
      DECLARE
        v_new bigint[];
        v_wanted int;
        a_k text[];
        a_o uuid[];
        a_c text[];
        a_id bigint[];
        a_bal bigint[];
        a_free boolean[];
        a_clawable boolean[];
        f_n int[];
        f_acc int[];
        f_amount bigint[];
        f_cur text[];
        bad record;
        v_existing bigint[];
        v_raced bigint[];
        v_plain boolean;
        a_delta bigint[];
        a_new boolean[];
      BEGIN
        IF coalesce(cardinality(p_keys), 0) = 0 THEN
          posting_ids := '{}';
          created := '{}';
          RETURN;
        END IF;

        -- 1. Used keys: replays and conflicts, before anything is written. Up to a few thousand keys the
        --    postings are found through the key index (idempotency_key = ANY of the keys, a constant in
        --    this custom plan, so the estimate is the number of keys whatever the statistics say: joined
        --    to the table, a ledger grown since its last ANALYZE was read whole by every call); more are
        --    joined in one pass.
        IF cardinality(p_keys) <= 5000 THEN
          SELECT array_agg(coalesce(p.id, 0) ORDER BY x.n), array_agg(p.id IS NULL ORDER BY x.n),
                 min(x.n) FILTER (WHERE p.request_hash <> x.hash)
            INTO posting_ids, created, conflict_index
            FROM unnest(p_keys, p_hashes) WITH ORDINALITY AS x(key, hash, n)
            LEFT JOIN (SELECT u.id, u.idempotency_key, u.request_hash FROM ledger_postings u WHERE u.idempotency_key = ANY(p_keys)) p ON p.idempotency_key = x.key;
        ELSE
          SELECT array_agg(coalesce(p.id, 0) ORDER BY x.n), array_agg(p.id IS NULL ORDER BY x.n),
                 min(x.n) FILTER (WHERE p.request_hash <> x.hash)
            INTO posting_ids, created, conflict_index
            FROM unnest(p_keys, p_hashes) WITH ORDINALITY AS x(key, hash, n)
            LEFT JOIN ledger_postings p ON p.idempotency_key = x.key;
        END IF;
        IF conflict_index IS NOT NULL THEN
          RETURN;
        END IF;
        SELECT count(*) INTO v_wanted FROM unnest(created) AS c WHERE c;
        IF v_wanted = 0 THEN
          RETURN;
        END IF;

        -- 2. Ids in request order; keys claimed in key order.
        SELECT array_agg(CASE WHEN u.c THEN nextval('ledger_postings_id_seq'::regclass) ELSE u.id END ORDER BY u.n)
          INTO posting_ids
          FROM unnest(posting_ids, created) WITH ORDINALITY AS u(id, c, n);
        -- A large batch is inserted with a plain INSERT first: step 1 found its keys unused, and a
        -- speculative insertion (ON CONFLICT) per row costs more. Only if a concurrent transaction took
        -- one of the keys since (unique violation; the subtransaction undoes the attempt) is it claimed
        -- again with ON CONFLICT DO NOTHING, as small batches always are (no subtransaction for them).
        v_plain := v_wanted >= 1000;
        LOOP
          IF v_plain THEN
            BEGIN
              INSERT INTO ledger_postings (id, idempotency_key, request_hash, cause, cause_ref, description, occurred_at, metadata)
              SELECT x.id, x.key, x.hash, x.cause, x.ref, x.descr, coalesce(x.occ, now()), coalesce(x.md, '{}'::jsonb)
                FROM unnest(posting_ids, created, p_keys, p_hashes, p_causes, p_cause_refs, p_descriptions, p_occurred_at, p_metadata)
                     AS x(id, c, key, hash, cause, ref, descr, occ, md)
               WHERE x.c
               ORDER BY x.key;
              v_new := NULL;
              EXIT;
            EXCEPTION WHEN unique_violation THEN
              v_plain := false;
            END;
          ELSE
            WITH ins AS (
              INSERT INTO ledger_postings (id, idempotency_key, request_hash, cause, cause_ref, description, occurred_at, metadata)
              SELECT x.id, x.key, x.hash, x.cause, x.ref, x.descr, coalesce(x.occ, now()), coalesce(x.md, '{}'::jsonb)
                FROM unnest(posting_ids, created, p_keys, p_hashes, p_causes, p_cause_refs, p_descriptions, p_occurred_at, p_metadata)
                     AS x(id, c, key, hash, cause, ref, descr, occ, md)
               WHERE x.c
               ORDER BY x.key
              ON CONFLICT (idempotency_key) DO NOTHING
              RETURNING id)
            SELECT coalesce(array_agg(id), '{}') INTO v_new FROM ins;
            EXIT;
          END IF;
        END LOOP;
        IF v_new IS NOT NULL AND cardinality(v_new) < v_wanted THEN
          -- Keys a concurrent transaction claimed after step 1 (this statement waited for its commit).
          SELECT array_agg(coalesce(p.id, x.id) ORDER BY x.n), array_agg(x.c AND p.id IS NULL ORDER BY x.n),
                 min(x.n) FILTER (WHERE p.request_hash <> x.hash)
            INTO posting_ids, created, conflict_index
            FROM unnest(posting_ids, created, p_keys, p_hashes) WITH ORDINALITY AS x(id, c, key, hash, n)
            LEFT JOIN unnest(v_new) AS w(id) ON w.id = x.id
            LEFT JOIN ledger_postings p ON x.c AND w.id IS NULL AND p.idempotency_key = x.key;
          IF conflict_index IS NOT NULL THEN
            RAISE EXCEPTION 'idempotency key % already posted different lines (posting %)', p_keys[conflict_index], posting_ids[conflict_index]
              USING ERRCODE = 'LG002', DETAIL = json_build_object('index', conflict_index - 1, 'idempotencyKey', p_keys[conflict_index], 'postingId', posting_ids[conflict_index]::text)::text;
          END IF;
          IF cardinality(v_new) = 0 THEN
            RETURN;
          END IF;
        END IF;

        -- 3. The new postings' lines, each with the index of its account among the distinct accounts in
        --    (kind, owner, currency) order (one sort, no join); accounts got or created once in that order,
        --    then locked once, in id order, and their balances read.
        WITH x AS (
          SELECT x.n, x.k, x.o, x.c, x.amount, x.ln, dense_rank() OVER (ORDER BY x.k, x.o, x.c)::int AS i
            FROM unnest(l_postings, l_kinds, l_owners, l_currencies, l_amounts) WITH ORDINALITY AS x(n, k, o, c, amount, ln)
           WHERE created[x.n])
        SELECT f.n, f.i, f.amount, f.c, a.k, a.o, a.c
          INTO f_n, f_acc, f_amount, f_cur, a_k, a_o, a_c
          FROM (SELECT array_agg(x.n ORDER BY x.ln) AS n, array_agg(x.i ORDER BY x.ln) AS i, array_agg(x.amount ORDER BY x.ln) AS amount, array_agg(x.c ORDER BY x.ln) AS c FROM x) f,
               (SELECT array_agg(d.k ORDER BY d.i) AS k, array_agg(d.o ORDER BY d.i) AS o, array_agg(d.c ORDER BY d.i) AS c FROM (SELECT DISTINCT ON (x.i) x.i, x.k, x.o, x.c FROM x) d) a;
        SELECT array_agg(a.id ORDER BY d.i) INTO a_id
          FROM unnest(a_k, a_o, a_c) WITH ORDINALITY AS d(k, o, c, i)
          LEFT JOIN LATERAL (
            SELECT s.id FROM ledger_accounts s WHERE d.o IS NOT NULL AND s.kind = d.k AND s.owner_id = d.o AND s.currency = d.c::bpchar
            UNION ALL
            SELECT s.id FROM ledger_accounts s WHERE d.o IS NULL AND s.kind = d.k AND s.owner_id IS NULL AND s.currency = d.c::bpchar
          ) a ON true;
        -- Existing accounts are locked below; accounts this call creates need no row lock (no other
        -- transaction sees them before commit; a concurrent creator waits on the unique index).
        -- Each account's net change in this batch: an account created here is inserted with it as its
        -- balance (one row version, no update); existing accounts are updated at step 5.
        SELECT array_agg(coalesce(s.delta, 0) ORDER BY d.i) INTO a_delta
          FROM generate_subscripts(a_k, 1) AS d(i)
          LEFT JOIN (SELECT x.i, sum(x.amount) AS delta FROM unnest(f_acc, f_amount) AS x(i, amount) GROUP BY x.i) s ON s.i = d.i;
        v_existing := array_remove(a_id, NULL);
        IF cardinality(v_existing) < cardinality(a_id) THEN
          -- Plain INSERT for many new accounts, as for the postings above.
          v_plain := cardinality(a_id) - cardinality(v_existing) >= 1000;
          LOOP
            IF v_plain THEN
              BEGIN
                WITH ins AS (
                  INSERT INTO ledger_accounts (kind, owner_id, currency, balance)
                  SELECT d.k, d.o, d.c, a_delta[d.i] FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i) WHERE d.id IS NULL ORDER BY d.i
                  RETURNING id, kind, coalesce(owner_id::text, '') AS o, currency)
                SELECT array_agg(coalesce(d.id, ins.id) ORDER BY d.i), array_agg(d.id IS NULL AND ins.id IS NOT NULL ORDER BY d.i) INTO a_id, a_new
                  FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i)
                  LEFT JOIN ins ON d.id IS NULL AND ins.kind = d.k AND ins.o = coalesce(d.o::text, '') AND ins.currency = d.c::bpchar;
                EXIT;
              EXCEPTION WHEN unique_violation THEN
                v_plain := false;
              END;
            ELSE
              WITH ins AS (
                INSERT INTO ledger_accounts (kind, owner_id, currency, balance)
                SELECT d.k, d.o, d.c, a_delta[d.i] FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i) WHERE d.id IS NULL ORDER BY d.i
                ON CONFLICT DO NOTHING
                RETURNING id, kind, coalesce(owner_id::text, '') AS o, currency)
              SELECT array_agg(coalesce(d.id, ins.id) ORDER BY d.i), array_agg(d.id IS NULL AND ins.id IS NOT NULL ORDER BY d.i) INTO a_id, a_new
                FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i)
                LEFT JOIN ins ON d.id IS NULL AND ins.kind = d.k AND ins.o = coalesce(d.o::text, '') AND ins.currency = d.c::bpchar;
              EXIT;
            END IF;
          END LOOP;
          IF array_position(a_id, NULL) IS NOT NULL THEN
            -- Created by a concurrent transaction since the lookup (ON CONFLICT waited for its commit): look up and lock those too.
            SELECT array_agg(coalesce(d.id, a.id) ORDER BY d.i), array_agg(a.id) FILTER (WHERE a.id IS NOT NULL) INTO a_id, v_raced
              FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i)
              LEFT JOIN LATERAL (
                SELECT s.id FROM ledger_accounts s WHERE d.id IS NULL AND d.o IS NOT NULL AND s.kind = d.k AND s.owner_id = d.o AND s.currency = d.c::bpchar
                UNION ALL
                SELECT s.id FROM ledger_accounts s WHERE d.id IS NULL AND d.o IS NULL AND s.kind = d.k AND s.owner_id IS NULL AND s.currency = d.c::bpchar
              ) a ON true;
            IF array_position(a_id, NULL) IS NOT NULL THEN
              RAISE EXCEPTION 'ledger_post_many: could not get or create every account';
            END IF;
            v_existing := v_existing || v_raced;
          END IF;
        END IF;
        -- Lock (id order) and read the balances in one pass; an account created above has balance 0.
        -- With each account's overdraft rule (fixed-width arrays: a text element is found by a scan).
        SELECT array_agg(coalesce(b.balance, 0) ORDER BY d.i), array_agg(ledger_may_overdraw(d.k, false) ORDER BY d.i), array_agg(ledger_may_overdraw(d.k, true) ORDER BY d.i)
          INTO a_bal, a_free, a_clawable
          FROM unnest(a_id, a_k) WITH ORDINALITY AS d(id, k, i)
          LEFT JOIN (SELECT a.id, a.balance FROM ledger_accounts a WHERE a.id = ANY(v_existing) ORDER BY a.id FOR UPDATE) b ON b.id = d.id;

        -- 4. The overdraft rule (ledger_may_overdraw of the account's kind and the posting's clawback flag),
        --    against the balance each posting would leave (as one post() after another).
        SELECT r.n, r.i, r.after INTO bad
          FROM (SELECT d.n, d.i, d.delta, a_bal[d.i] + sum(d.delta) OVER (PARTITION BY d.i ORDER BY d.n) AS after
                  FROM (SELECT x.n, x.i, sum(x.amount) AS delta FROM unnest(f_n, f_acc, f_amount) AS x(n, i, amount) GROUP BY x.n, x.i) d) r
         WHERE r.delta < 0 AND r.after < 0 AND NOT CASE WHEN p_clawback[r.n] THEN a_clawable[r.i] ELSE a_free[r.i] END
         ORDER BY r.n, r.i
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION '% of % would go to % %', a_k[bad.i], a_o[bad.i], bad.after, a_c[bad.i]
            USING ERRCODE = 'LG001',
                  DETAIL = json_build_object('kind', a_k[bad.i], 'ownerId', a_o[bad.i], 'currency', a_c[bad.i], 'balance', bad.after::text,
                                             'index', bad.n - 1, 'idempotencyKey', p_keys[bad.n])::text;
        END IF;

        -- 5. Entries in request order with running balances; each existing account's balance updated once.
        INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after)
        SELECT posting_ids[x.n], a_id[x.i], x.c, x.amount, a_bal[x.i] + sum(x.amount) OVER (PARTITION BY x.i ORDER BY x.ln)
          FROM unnest(f_n, f_acc, f_cur, f_amount) WITH ORDINALITY AS x(n, i, c, amount, ln)
         ORDER BY x.ln;
        UPDATE ledger_accounts a SET balance = a.balance + d.delta
          FROM (SELECT a_id[x.i] AS id, a_delta[x.i] AS delta FROM generate_subscripts(a_id, 1) AS x(i) WHERE NOT coalesce(a_new[x.i], false)) d
         WHERE a.id = d.id;
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_posting_balanced()
 RETURNS trigger
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
      BEGIN
        IF TG_TABLE_NAME = 'ledger_postings' THEN
          PERFORM ledger_check_posting(NEW.id);
        -- An entry of a posting this (top-level) transaction created is checked by that posting's own
        -- trigger; entries added to any other posting are checked here.
        ELSIF NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.id = NEW.posting_id AND p.xmin = pg_current_xact_id()::xid) THEN
          PERFORM ledger_check_posting(NEW.posting_id);
        END IF;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_postings_have_entries()
 RETURNS trigger
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
      DECLARE
        v_id bigint;
      BEGIN
        SELECT min(x.id) INTO v_id FROM unnest(NEW.posting_ids) AS x(id) WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.posting_id = x.id);
        IF v_id IS NOT NULL THEN
          RAISE EXCEPTION 'ledger posting % has 0 entries; at least 2 are required', v_id USING ERRCODE = '23514';
        END IF;
        DELETE FROM ledger_posting_checks WHERE id = NEW.id;
        RETURN NULL;
      END $function$
;

CREATE OR REPLACE FUNCTION ledger_postings_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_custom_plan'
AS $function$
      BEGIN
        INSERT INTO ledger_posting_checks (posting_ids) SELECT array_agg(n.id) FROM new_postings n HAVING count(*) > 0;
        RETURN NULL;
      END $function$
;
