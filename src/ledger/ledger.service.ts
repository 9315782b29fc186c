import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import {
  AccountKind,
  OwnerMoves,
  PostingCause,
  PostingRequest,
  PostingResult,
  PostingView,
  ReferrerBalances,
  StatementLine,
  StatementPage,
  VerifyReport,
} from './ledger.types';
import { canonicalMoveTemplate, isCurrency, isUuid, MAX_IDEMPOTENCY_KEY_LENGTH, NormalizedPosting, normalizePosting, overdraftRule } from './posting-rules';
import { verifyLedger } from './ledger-verify';

/**
 * The one way money moves. `post` is `postMany` of one: the request is validated in process, then
 * written with one call of the `ledger_post_many` SQL function inside the caller's transaction: the idempotency key is claimed first
 * (unique constraint + ON CONFLICT, so concurrent posts of one key serialize on it and the loser sees
 * the winner's posting), then the involved account rows are locked in id order (a fixed order: no
 * deadlocks between postings) and the entries and stored running balances are written. The locks are
 * held until the caller commits: post last in a transaction, and keep that transaction short. A
 * refused posting (LedgerException) leaves the caller's transaction unusable: roll it back. Reads
 * never lock. `postMany` writes a whole batch the same way in one call of `ledger_post_many`, taking
 * each account's lock once per batch instead of once per posting: the way to post from loops and
 * bulk jobs (a shared platform account otherwise serializes every posting on its row lock).
 * `postOwnerMoves` is postMany for many two-line moves of one shape whose values an SQL source gives
 * (payout batches): the same `ledger_post_many`, fed inside the database.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly db: DataSource) {}

  /** One posting: postMany of one (the same validation, idempotency, overdraft rule and SQL function). */
  async post(m: EntityManager, req: PostingRequest): Promise<PostingResult> {
    const [result] = await this.postMany(m, [req]);
    return result;
  }

  /**
   * Many postings in one round trip, with the semantics of calling post() for each request in order,
   * all or nothing: results in request order. Every request is validated first (the first invalid one
   * throws, naming its index). A key already posted with the same lines, or repeated inside the batch
   * with the same lines, gives the first posting with created false; the same key with different lines
   * (stored or inside the batch) throws IDEMPOTENCY_CONFLICT and writes nothing. Accounts are got or
   * created and locked once, in id order; entries get running balance_after in request order; each
   * stored balance is updated once. The overdraft rule (the account's kind, the posting's clawback
   * flag) is checked posting by posting against the running balances: a refusal
   * (LEDGER_NEGATIVE_BALANCE, details.index) refuses the whole batch and, as with post(), leaves the
   * caller's transaction unusable; so does a conflict on a key another
   * transaction claimed during the call (rare). Posting ids follow request order. Locks are held until
   * the caller commits: call it last in the transaction.
   */
  async postMany(m: EntityManager, requests: PostingRequest[]): Promise<PostingResult[]> {
    if (!Array.isArray(requests)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'postMany takes an array of posting requests');
    const batch = foldBatch(requests);
    if (requests.length === 0) return [];
    if (m.queryRunner?.isTransactionActive) return this.postManyInTransaction(m, batch);
    return m.transaction((tx) => this.postManyInTransaction(tx, batch));
  }

  private async postManyInTransaction(m: EntityManager, batch: FoldedBatch): Promise<PostingResult[]> {
    const { unique, slot } = batch;
    // Which request a refusal names; a single posting (post()) needs no index.
    const where = (index: number | undefined): string => (slot.length > 1 ? `request ${index}: ` : '');
    const lp: number[] = [];
    const kinds: string[] = [];
    const owners: (string | null)[] = [];
    const currencies: string[] = [];
    const amounts: string[] = [];
    unique.forEach((p, i) => {
      for (const l of p.lines) {
        lp.push(i + 1);
        kinds.push(l.account.kind);
        owners.push(l.account.ownerId);
        currencies.push(l.account.currency);
        amounts.push(l.amount.toString());
      }
    });
    let row: { posting_ids: string[]; created: boolean[]; conflict_index: number | null };
    try {
      [row] = await m.query(
        `SELECT posting_ids::text[] AS posting_ids, created, conflict_index
         FROM ledger_post_many($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::boolean[], $9::int[], $10::text[], $11::uuid[], $12::text[], $13::bigint[])`,
        // Array literals built here rather than by the driver's generic per-element serializer, which
        // took seconds for the ~1.5 million elements of a 100,000-posting batch.
        [
          textArray(unique.map((p) => p.idempotencyKey)),
          plainArray(unique.map((p) => p.requestHash)),
          plainArray(unique.map((p) => p.cause)),
          textArray(unique.map((p) => p.causeRef)),
          textArray(unique.map((p) => p.description)),
          plainArray(unique.map((p) => p.occurredAt?.toISOString() ?? null)),
          textArray(unique.map((p) => JSON.stringify(p.metadata))),
          plainArray(unique.map((p) => p.clawback)),
          plainArray(lp),
          plainArray(kinds),
          plainArray(owners),
          plainArray(currencies),
          plainArray(amounts),
        ],
      );
    } catch (err) {
      const pg = driverError(err);
      if (pg.code === 'LG001') {
        const details = pg.detail ? JSON.parse(pg.detail) : undefined;
        if (details) details.index = batch.firstIndex[details.index];
        throw new LedgerException(
          LedgerErrorCode.LEDGER_NEGATIVE_BALANCE,
          `${where(details?.index)}${pg.message}; ${overdraftRule()}`,
          details,
        );
      }
      if (pg.code === 'LG002') {
        const details = pg.detail ? JSON.parse(pg.detail) : undefined;
        if (details) details.index = batch.firstIndex[details.index];
        throw new LedgerException(LedgerErrorCode.IDEMPOTENCY_CONFLICT, `${where(details?.index)}${pg.message}`, details);
      }
      throw err;
    }
    if (row.conflict_index !== null) {
      const u = row.conflict_index - 1;
      const key = unique[u].idempotencyKey;
      throw new LedgerException(LedgerErrorCode.IDEMPOTENCY_CONFLICT, `${where(batch.firstIndex[u])}idempotency key ${key} already posted different lines (posting ${row.posting_ids[u]})`, {
        index: batch.firstIndex[u],
        idempotencyKey: key,
        postingId: row.posting_ids[u],
      });
    }
    // A key repeated inside the batch: the repeat is a replay of its first occurrence.
    const seen = new Set<number>();
    return slot.map((u) => {
      const first = !seen.has(u);
      seen.add(u);
      return { postingId: row.posting_ids[u], created: first && row.created[u] };
    });
  }

  /**
   * Many two-line owner moves (OwnerMoves) with postMany's semantics for the requests they describe,
   * built and posted by one statement: the source rows are read, checked, hashed (canonicalPosting's
   * form, via canonicalMoveTemplate) and handed to `ledger_post_many` inside the database, so a bulk
   * path (100,000 payout items) holds no per-posting data in the app. The shape (kinds, currency,
   * cause, description, metadata) is checked by post()'s rules first; a source row post() would
   * refuse (blank or over-long key, a causeRef that is not plain, no owner, a zero amount) or a key
   * repeated in the source refuses the whole call before anything is written. A key already posted
   * with the same lines is a replay (not counted as created); with other lines IDEMPOTENCY_CONFLICT.
   * Returns how many rows the source gave and how many postings were created.
   */
  async postOwnerMoves(m: EntityManager, moves: OwnerMoves): Promise<{ count: number; created: number }> {
    if (!m.queryRunner?.isTransactionActive) return m.transaction((tx) => this.postOwnerMoves(tx, moves));
    const { cause, description, metadata, currency, from, to, clawback } = moves;
    if (from === to) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_LINES, 'an owner move needs two different account kinds');
    // The shape as one sample request: post()'s rules for kinds (owner kinds), currency, cause, description, metadata.
    const sample = normalizePosting({
      idempotencyKey: 'owner-move',
      cause,
      causeRef: 'owner-move',
      description,
      metadata,
      clawback,
      lines: [
        { account: { kind: from, ownerId: '00000000-0000-0000-0000-000000000000', currency }, amount: -1n },
        { account: { kind: to, ownerId: '00000000-0000-0000-0000-000000000000', currency }, amount: 1n },
      ],
    });
    const params: unknown[] = [...moves.source.params];
    const param = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
    const value = { ref: 's.cause_ref', owner: 's.owner_id::text', from: '(-s.amount)::text', to: 's.amount::text' } as const;
    const canonical = canonicalMoveTemplate(sample.cause, from, to, currency)
      .map((piece) => (typeof piece === 'string' ? param(piece, 'text') : value[piece.value]))
      .join(' || ');
    const n = 'agg.n';
    let row: { count: number; bad_index: number | null; bad_key: string | null; repeated: boolean; conflict_index: number | null; conflict_key: string | null; conflict_posting: string | null; created: number };
    try {
      [row] = await m.query(
        `WITH src AS MATERIALIZED (
           SELECT row_number() OVER (ORDER BY s.ord)::int AS n, s.idempotency_key::text AS idempotency_key, s.cause_ref::text AS cause_ref, s.owner_id::uuid AS owner_id, s.amount::bigint AS amount
             FROM (${moves.source.sql}) s),
         agg AS (
           SELECT count(*)::int AS n,
                  min(s.n) FILTER (WHERE NOT coalesce(s.idempotency_key ~ '\\S' AND length(s.idempotency_key) <= ${MAX_IDEMPOTENCY_KEY_LENGTH} AND s.cause_ref ~ '^[A-Za-z0-9_:.+-]+$'
                                              AND s.owner_id IS NOT NULL AND s.amount <> 0 AND s.amount > -9223372036854775807, false)) AS bad_index,
                  count(DISTINCT s.idempotency_key) < count(*) AS repeated,
                  array_agg(s.idempotency_key ORDER BY s.n) AS keys,
                  array_agg(encode(sha256(convert_to(${canonical}, 'UTF8')), 'hex') ORDER BY s.n) AS hashes,
                  array_agg(s.cause_ref ORDER BY s.n) AS refs
             FROM src s),
         lines AS (
           SELECT array_agg(s.n ORDER BY s.n, l.side) AS lp,
                  array_agg(CASE l.side WHEN 1 THEN ${param(from, 'text')} ELSE ${param(to, 'text')} END ORDER BY s.n, l.side) AS kinds,
                  array_agg(s.owner_id ORDER BY s.n, l.side) AS owners,
                  array_agg(CASE l.side WHEN 1 THEN -s.amount ELSE s.amount END ORDER BY s.n, l.side) AS amounts
             FROM src s CROSS JOIN (VALUES (1), (2)) AS l(side))
         SELECT agg.n AS count, agg.bad_index, (SELECT s.idempotency_key FROM src s WHERE s.n = agg.bad_index) AS bad_key, coalesce(agg.repeated, false) AS repeated,
                r.conflict_index, agg.keys[r.conflict_index] AS conflict_key, r.posting_ids[r.conflict_index]::text AS conflict_posting,
                (SELECT count(*) FROM unnest(r.created) AS c WHERE c)::int AS created
           FROM agg CROSS JOIN lines
           CROSS JOIN LATERAL ledger_post_many(
             CASE WHEN agg.bad_index IS NULL AND NOT agg.repeated THEN agg.keys END, agg.hashes,
             array_fill(${param(sample.cause, 'text')}, ARRAY[${n}]), agg.refs, array_fill(${param(sample.description, 'text')}, ARRAY[${n}]),
             array_fill(NULL::timestamptz, ARRAY[${n}]), array_fill(${param(JSON.stringify(sample.metadata), 'jsonb')}, ARRAY[${n}]),
             array_fill(${param(sample.clawback, 'boolean')}, ARRAY[${n}]),
             lines.lp, lines.kinds, lines.owners, array_fill(${param(currency, 'text')}, ARRAY[2 * ${n}]), lines.amounts) r`,
        params,
      );
    } catch (err) {
      const pg = driverError(err);
      if (pg.code === 'LG001' || pg.code === 'LG002') {
        const details = pg.detail ? JSON.parse(pg.detail) : undefined;
        const code = pg.code === 'LG001' ? LedgerErrorCode.LEDGER_NEGATIVE_BALANCE : LedgerErrorCode.IDEMPOTENCY_CONFLICT;
        const rule = pg.code === 'LG001' ? `; ${overdraftRule()}` : '';
        throw new LedgerException(code, `request ${details?.index}: ${pg.message}${rule}`, details);
      }
      throw err;
    }
    if (row.bad_index !== null) {
      const index = row.bad_index - 1;
      throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, `request ${index} (${row.bad_key ?? 'no key'}): a move needs a key of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters, a plain causeRef, an owner and a nonzero amount`, {
        index,
        idempotencyKey: row.bad_key,
      });
    }
    if (row.repeated) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'an idempotency key is repeated among the moves');
    if (row.conflict_index !== null) {
      const index = row.conflict_index - 1;
      throw new LedgerException(LedgerErrorCode.IDEMPOTENCY_CONFLICT, `request ${index}: idempotency key ${row.conflict_key} already posted different lines (posting ${row.conflict_posting})`, {
        index,
        idempotencyKey: row.conflict_key,
        postingId: row.conflict_posting,
      });
    }
    return { count: row.count, created: row.created };
  }

  /** A referrer's (or member's) balances in one currency; zeros for accounts never used. */
  async balances(ownerId: string, currency: string, m: EntityManager = this.db.manager): Promise<ReferrerBalances> {
    checkOwner(ownerId, currency);
    const rows: { kind: string; balance: bigint }[] = await m.query(`SELECT kind, balance FROM ledger_accounts WHERE owner_id = $1 AND currency = $2`, [ownerId, currency]);
    const of = (kind: AccountKind) => rows.find((r) => r.kind === kind)?.balance ?? 0n;
    return {
      currency,
      pending: of(AccountKind.ReferrerPending),
      available: of(AccountKind.ReferrerAvailable),
      disputed: of(AccountKind.ReferrerDisputed),
      inTransit: of(AccountKind.PayoutsInTransit),
      paid: of(AccountKind.ReferrerPaid),
    };
  }

  /**
   * Every owner's balance of one account kind, in one query (payout previews over many referrers).
   * Owners without such an account are absent. `minBalance` keeps only balances ≥ it.
   */
  async balancesByOwner(kind: AccountKind, currency: string, opts: { minBalance?: bigint } = {}, m: EntityManager = this.db.manager): Promise<Map<string, bigint>> {
    if (!isCurrency(currency)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'currency must be a 3-letter ISO 4217 code');
    const rows: { owner_id: string; balance: bigint }[] = await m.query(
      `SELECT owner_id, balance FROM ledger_accounts
       WHERE kind = $1 AND currency = $2 AND owner_id IS NOT NULL AND ($3::bigint IS NULL OR balance >= $3::bigint)`,
      [kind, currency, opts.minBalance === undefined ? null : opts.minBalance.toString()],
    );
    return new Map(rows.map((r) => [r.owner_id, r.balance]));
  }

  /**
   * The sum of every owner's balance of each given account kind in one currency (the program's
   * liability: all referrers' pending, all available). Kinds without accounts sum to 0.
   */
  async totalsByKind(kinds: AccountKind[], currency: string, m: EntityManager = this.db.manager): Promise<Map<AccountKind, bigint>> {
    if (!isCurrency(currency)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'currency must be a 3-letter ISO 4217 code');
    const rows: { kind: AccountKind; total: string }[] = await m.query(
      `SELECT kind, sum(balance)::text AS total FROM ledger_accounts WHERE kind = ANY($1::text[]) AND currency = $2 AND owner_id IS NOT NULL GROUP BY kind`,
      [kinds, currency],
    );
    return new Map(kinds.map((k) => [k, BigInt(rows.find((r) => r.kind === k)?.total ?? '0')]));
  }

  /** Every movement on an owner's accounts in one currency, newest first. */
  async statement(ownerId: string, currency: string, page: StatementPage = {}, m: EntityManager = this.db.manager): Promise<StatementLine[]> {
    checkOwner(ownerId, currency);
    const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 1000);
    const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
    const rows: { posting_id: bigint; occurred_at: Date; cause: string; cause_ref: string; description: string; kind: string; amount: bigint; balance_after: bigint }[] = await m.query(
      `SELECT p.id AS posting_id, p.occurred_at, p.cause, p.cause_ref, p.description, a.kind, e.amount, e.balance_after
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id
       JOIN ledger_postings p ON p.id = e.posting_id
       WHERE a.owner_id = $1 AND a.currency = $2
       ORDER BY e.id DESC
       LIMIT $3 OFFSET $4`,
      [ownerId, currency, limit, offset],
    );
    return rows.map((r) => ({
      postingId: r.posting_id.toString(),
      occurredAt: r.occurred_at,
      cause: r.cause as PostingCause,
      causeRef: r.cause_ref,
      description: r.description,
      account: r.kind as AccountKind,
      amount: r.amount,
      balanceAfter: r.balance_after,
    }));
  }

  /**
   * What an owner earned per calendar month of the zone in [from, to): the sum of every entry on its
   * own accounts, by the month the posting occurred. Moves between its own accounts (hold release,
   * payout) cancel out, so this is commission accrued, less refunds and lost disputes, plus
   * adjustments and fees. Months without movements are absent.
   */
  async netByMonth(ownerId: string, currency: string, from: Date, to: Date, timeZone: string, m: EntityManager = this.db.manager): Promise<Map<string, bigint>> {
    checkOwner(ownerId, currency);
    const rows: { month: string; net: bigint }[] = await m.query(
      `SELECT to_char(p.occurred_at AT TIME ZONE $5, 'YYYY-MM') AS month, sum(e.amount)::bigint AS net
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id
       JOIN ledger_postings p ON p.id = e.posting_id
       WHERE a.owner_id = $1 AND a.currency = $2 AND p.occurred_at >= $3 AND p.occurred_at < $4
       GROUP BY 1`,
      [ownerId, currency, from, to, timeZone],
    );
    return new Map(rows.map((r) => [r.month, BigInt(r.net)]));
  }

  /** The postings a business object caused (an invoice's commission, its refunds...), oldest first. */
  async postingsByCause(cause: PostingCause, causeRef: string, m: EntityManager = this.db.manager): Promise<PostingView[]> {
    const rows: {
      id: bigint;
      idempotency_key: string;
      cause: string;
      cause_ref: string;
      description: string;
      occurred_at: Date;
      created_at: Date;
      metadata: Record<string, unknown>;
      kind: string;
      owner_id: string | null;
      currency: string;
      amount: bigint;
      balance_after: bigint;
    }[] = await m.query(
      `SELECT p.id, p.idempotency_key, p.cause, p.cause_ref, p.description, p.occurred_at, p.created_at, p.metadata,
              a.kind, a.owner_id, a.currency, e.amount, e.balance_after
       FROM ledger_postings p
       JOIN ledger_entries e ON e.posting_id = p.id
       JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause = $1 AND p.cause_ref = $2
       ORDER BY p.id, e.id`,
      [cause, causeRef],
    );
    const byId = new Map<string, PostingView>();
    for (const r of rows) {
      const id = r.id.toString();
      let v = byId.get(id);
      if (!v) {
        v = {
          postingId: id,
          idempotencyKey: r.idempotency_key,
          cause: r.cause as PostingCause,
          causeRef: r.cause_ref,
          description: r.description,
          occurredAt: r.occurred_at,
          createdAt: r.created_at,
          metadata: r.metadata,
          entries: [],
        };
        byId.set(id, v);
      }
      v.entries.push({ account: { kind: r.kind as AccountKind, ownerId: r.owner_id, currency: r.currency }, amount: r.amount, balanceAfter: r.balance_after });
    }
    return [...byId.values()];
  }

  /** Recomputes the whole ledger from its entries, in one consistent snapshot; reports the first discrepancy. */
  async verify(m?: EntityManager): Promise<VerifyReport> {
    if (m?.queryRunner?.isTransactionActive) return verifyLedger(m);
    const runner = (m?.connection ?? this.db).createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const report = await verifyLedger(runner.manager);
      await runner.commitTransaction();
      return report;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }
}

function checkOwner(ownerId: string, currency: string): void {
  if (!isUuid(ownerId)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'ownerId must be a uuid');
  if (!isCurrency(currency)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'currency must be a 3-letter ISO 4217 code');
}

/** TypeORM's QueryFailedError carries pg's fields on itself and on driverError. */
function driverError(err: unknown): { code?: string; message?: string; detail?: string } {
  const e = err as { code?: string; message?: string; detail?: string; driverError?: { code?: string; message?: string; detail?: string } };
  return e.driverError ?? e;
}

/**
 * A PostgreSQL array literal of values that need no quoting: numbers, booleans, and strings made only
 * of letters, digits, '_', '-', ':', '.', '+' (uuids, hex hashes, account kinds, causes, currency
 * codes, ISO timestamps); null is NULL. Anything else is quoted (see textArray).
 */
function plainArray(values: (string | number | bigint | boolean | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null) out += 'NULL';
    else if (typeof v === 'string') out += PLAIN_ELEMENT.test(v) && v.toUpperCase() !== 'NULL' ? v : quoteElement(v);
    else out += String(v);
  }
  return out + '}';
}
const PLAIN_ELEMENT = /^[A-Za-z0-9_:.+-]+$/;

/** A PostgreSQL array literal of arbitrary strings: every element quoted, backslash and quote escaped. */
function textArray(values: string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += quoteElement(values[i]);
  }
  return out + '}';
}

function quoteElement(v: string): string {
  return `"${/[\\"]/.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`;
}

interface FoldedBatch {
  /** Each key once, in order of first appearance. */
  unique: NormalizedPosting[];
  /** For each request, its index in `unique`. */
  slot: number[];
  /** For each unique posting, the index of the request it came from. */
  firstIndex: number[];
}

/**
 * Validates every request (post()'s rules) and folds keys repeated inside the batch: a repeat with the
 * same hash is a replay of the first; with a different hash it is IDEMPOTENCY_CONFLICT, before any write.
 */
function foldBatch(requests: PostingRequest[]): FoldedBatch {
  const unique: NormalizedPosting[] = [];
  const slot: number[] = [];
  const firstIndex: number[] = [];
  const byKey = new Map<string, number>();
  requests.forEach((req, i) => {
    let p: NormalizedPosting;
    try {
      p = normalizePosting(req);
    } catch (err) {
      // A single posting (post()) is refused as it stands; in a batch the refusal names the request.
      if (err instanceof LedgerException && requests.length > 1) throw new LedgerException(err.code, `request ${i}: ${err.message}`, { index: i, ...(err.details as object | undefined) });
      throw err;
    }
    const u = byKey.get(p.idempotencyKey);
    if (u === undefined) {
      byKey.set(p.idempotencyKey, unique.length);
      slot.push(unique.length);
      firstIndex.push(i);
      unique.push(p);
    } else if (unique[u].requestHash === p.requestHash) {
      slot.push(u);
    } else {
      throw new LedgerException(LedgerErrorCode.IDEMPOTENCY_CONFLICT, `request ${i}: idempotency key ${p.idempotencyKey} is used by request ${firstIndex[u]} of this batch with different lines`, {
        index: i,
        idempotencyKey: p.idempotencyKey,
      });
    }
  });
  return { unique, slot, firstIndex };
}
