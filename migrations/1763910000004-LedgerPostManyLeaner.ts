import { MigrationInterface, QueryRunner } from 'typeorm';
import { LedgerPostMany1763910000002 } from './1763910000002-LedgerPostMany';

/**
 * `ledger_post_many` (1763910000002) with less work per row, same semantics and signature:
 *  - a large batch (1,000 new postings or accounts and more) is inserted with a plain INSERT (step 1
 *    already found its keys unused); only if a concurrent transaction claimed one of them in between
 *    (unique violation) is the insert redone with ON CONFLICT DO NOTHING and the replay/conflict
 *    handling of before. A speculative insertion per row cost more than the insert itself. The plain
 *    attempt runs in a plpgsql exception block (a subtransaction), so small batches, which may come
 *    many to a transaction, skip it;
 *  - accounts it creates are resolved from INSERT ... RETURNING instead of a second lookup of every
 *    account, and are not locked FOR UPDATE (no other transaction can see them before commit; a
 *    concurrent creator of the same account waits on the unique index). Existing accounts, and any a
 *    concurrent transaction created meanwhile, are still locked once, in id order, by the statement
 *    that reads their balances. They are inserted with their final balance (this batch's net change),
 *    so only existing accounts get a balance UPDATE.
 * down() restores the previous definition.
 */
export class LedgerPostManyLeaner1763910000004 implements MigrationInterface {
  name = 'LedgerPostManyLeaner1763910000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger_post_many(
        p_keys text[], p_hashes text[], p_causes text[], p_cause_refs text[], p_descriptions text[],
        p_occurred_at timestamptz[], p_metadata jsonb[], p_allow_overdraft boolean[],
        l_postings int[], l_kinds text[], l_owners uuid[], l_currencies text[], l_amounts bigint[],
        OUT posting_ids bigint[], OUT created boolean[], OUT conflict_index int)
      -- sorts of a 100,000-posting batch stay in memory
      LANGUAGE plpgsql SET work_mem = '64MB' AS $$
      DECLARE
        v_new bigint[];
        v_wanted int;
        a_k text[];
        a_o uuid[];
        a_c text[];
        a_id bigint[];
        a_bal bigint[];
        a_owned boolean[];
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

        -- 1. Used keys: replays and conflicts, before anything is written.
        SELECT array_agg(coalesce(p.id, 0) ORDER BY x.n), array_agg(p.id IS NULL ORDER BY x.n),
               min(x.n) FILTER (WHERE p.request_hash <> x.hash)
          INTO posting_ids, created, conflict_index
          FROM unnest(p_keys, p_hashes) WITH ORDINALITY AS x(key, hash, n)
          LEFT JOIN ledger_postings p ON p.idempotency_key = x.key;
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
        SELECT array_agg(coalesce(b.balance, 0) ORDER BY d.i), array_agg(d.o IS NOT NULL ORDER BY d.i) INTO a_bal, a_owned
          FROM unnest(a_id, a_o) WITH ORDINALITY AS d(id, o, i)
          LEFT JOIN (SELECT a.id, a.balance FROM ledger_accounts a WHERE a.id = ANY(v_existing) ORDER BY a.id FOR UPDATE) b ON b.id = d.id;

        -- 4. The overdraft rule, against the balance each posting would leave (as one post() after another).
        SELECT r.n, r.i, r.after INTO bad
          FROM (SELECT d.n, d.i, d.delta, a_bal[d.i] + sum(d.delta) OVER (PARTITION BY d.i ORDER BY d.n) AS after
                  FROM (SELECT x.n, x.i, sum(x.amount) AS delta FROM unnest(f_n, f_acc, f_amount) AS x(n, i, amount) GROUP BY x.n, x.i) d) r
         WHERE a_owned[r.i] AND r.delta < 0 AND r.after < 0 AND NOT p_allow_overdraft[r.n]
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
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await new LedgerPostMany1763910000002().down(q);
    await new LedgerPostMany1763910000002().up(q);
  }
}
