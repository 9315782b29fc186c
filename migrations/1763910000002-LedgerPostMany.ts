import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_post_many(...)`: writes many postings in one round trip and a fixed number of set-based
 * statements, inside the caller's transaction, with the semantics of calling `ledger_post` once per
 * request in request order. LedgerService.postMany validates and hashes every request first and
 * folds repeated keys inside the batch; the requests reach this function as parallel arrays (postings)
 * plus lines whose `l_postings` entry is the 1-based index of their posting.
 *   1. Keys already used are looked up first: a replay keeps its posting (created = false); a key whose
 *      stored hash differs returns `conflict_index` and nothing is written (the transaction stays usable).
 *   2. Posting ids are drawn in request order, then the new keys are claimed in key order (a fixed
 *      global order, so two batches sharing keys cannot deadlock on them). A key a concurrent
 *      transaction claimed in between is a replay, or LG002 (IDEMPOTENCY_CONFLICT) if its hash differs.
 *   3. The accounts of the new postings are got or created once, in (kind, owner, currency) order,
 *      then locked once FOR UPDATE in id order, and their balances read.
 *   4. The overdraft rule is checked against running balances, posting by posting (SQLSTATE LG001).
 *   5. Entries are inserted in request order with running balance_after; each stored balance is
 *      updated once.
 * Arrays indexed per row are fixed-width without nulls (O(1) subscripts); variable-width arrays are
 * only unnested. Cost is a handful of sorts plus the per-row work PostgreSQL does for any insert here
 * (indexes, foreign-key checks, the deferred balance trigger at commit).
 */
export class LedgerPostMany1763910000002 implements MigrationInterface {
  name = 'LedgerPostMany1763910000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger_post_many(
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
        WITH ins AS (
          INSERT INTO ledger_postings (id, idempotency_key, request_hash, cause, cause_ref, description, occurred_at, metadata)
          SELECT x.id, x.key, x.hash, x.cause, x.ref, x.descr, coalesce(x.occ, now()), coalesce(x.md, '{}'::jsonb)
            FROM unnest(posting_ids, created, p_keys, p_hashes, p_causes, p_cause_refs, p_descriptions, p_occurred_at, p_metadata)
                 AS x(id, c, key, hash, cause, ref, descr, occ, md)
           WHERE x.c
           ORDER BY x.key
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING id)
        SELECT array_agg(id) INTO v_new FROM ins;
        IF coalesce(cardinality(v_new), 0) < v_wanted THEN
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
          IF v_new IS NULL THEN
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
        FOR attempt IN 1 .. 2 LOOP
          SELECT array_agg(a.id ORDER BY d.i) INTO a_id
            FROM unnest(a_k, a_o, a_c) WITH ORDINALITY AS d(k, o, c, i)
            LEFT JOIN LATERAL (
              SELECT s.id FROM ledger_accounts s WHERE d.o IS NOT NULL AND s.kind = d.k AND s.owner_id = d.o AND s.currency = d.c::bpchar
              UNION ALL
              SELECT s.id FROM ledger_accounts s WHERE d.o IS NULL AND s.kind = d.k AND s.owner_id IS NULL AND s.currency = d.c::bpchar
            ) a ON true;
          EXIT WHEN array_position(a_id, NULL) IS NULL;
          IF attempt = 2 THEN
            RAISE EXCEPTION 'ledger_post_many: could not get or create every account';
          END IF;
          INSERT INTO ledger_accounts (kind, owner_id, currency)
          SELECT d.k, d.o, d.c FROM unnest(a_k, a_o, a_c, a_id) WITH ORDINALITY AS d(k, o, c, id, i) WHERE d.id IS NULL ORDER BY d.i
          ON CONFLICT DO NOTHING;
        END LOOP;
        PERFORM 1 FROM ledger_accounts a WHERE a.id = ANY(a_id) ORDER BY a.id FOR UPDATE;
        SELECT array_agg(a.balance ORDER BY d.i), array_agg(a.owner_id IS NOT NULL ORDER BY d.i) INTO a_bal, a_owned
          FROM unnest(a_id) WITH ORDINALITY AS d(id, i) JOIN ledger_accounts a ON a.id = d.id;

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

        -- 5. Entries in request order with running balances; each stored balance updated once.
        INSERT INTO ledger_entries (posting_id, account_id, currency, amount, balance_after)
        SELECT posting_ids[x.n], a_id[x.i], x.c, x.amount, a_bal[x.i] + sum(x.amount) OVER (PARTITION BY x.i ORDER BY x.ln)
          FROM unnest(f_n, f_acc, f_cur, f_amount) WITH ORDINALITY AS x(n, i, c, amount, ln)
         ORDER BY x.ln;
        UPDATE ledger_accounts a SET balance = a.balance + d.delta
          FROM (SELECT a_id[x.i] AS id, sum(x.amount) AS delta FROM unnest(f_acc, f_amount) AS x(i, amount) GROUP BY x.i) d
         WHERE a.id = d.id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION IF EXISTS ledger_post_many(text[], text[], text[], text[], text[], timestamptz[], jsonb[], boolean[], int[], text[], uuid[], text[], bigint[])`,
    );
  }
}
