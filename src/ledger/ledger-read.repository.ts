import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { AccountKind, PostingCause } from './ledger.types';
import { isCurrency } from './posting-rules';

/** A stored posting without its entries: what a statement row needs to name its business object. */
export interface PostingHead {
  postingId: string;
  cause: PostingCause;
  causeRef: string;
  metadata: Record<string, unknown>;
}

/** What one posting put on owner accounts (the sum of its entries on accounts with an owner). */
export interface PostingOwnerNet {
  postingId: string;
  idempotencyKey: string;
  causeRef: string;
  net: bigint;
}

/** One entry on an owner account, with its posting (exports). */
export interface OwnerEntryRow {
  id: bigint;
  occurred_at: Date;
  cause: PostingCause;
  cause_ref: string;
  owner_id: string;
  kind: AccountKind;
  amount: bigint;
  currency: string;
}

/** An entry that took an owner account from zero or more to below zero. */
export interface BelowZeroCrossing {
  postingId: string;
  ownerId: string;
  /** The entry's amount (negative). */
  amount: bigint;
  balanceAfter: bigint;
  currency: string;
  metadata: Record<string, unknown>;
}

/**
 * SQL of another module that the ledger runs inside its own statement (as OwnerMoves.source): the
 * caller's tables stay the caller's, the ledger's tables are named only here. `sql` may use `params`
 * as $1..$n; the ledger appends its own parameters after them.
 */
export interface SqlSource {
  sql: string;
  params: unknown[];
}

/**
 * Every read (and read lock) of the ledger's tables that other modules need, set-based: no module but
 * the ledger names `ledger_accounts`, `ledger_entries` or `ledger_postings` (test/ledger-boundary.spec.ts).
 * Methods take the caller's EntityManager where the read belongs to its transaction.
 */
@Injectable()
export class LedgerReadRepository {
  constructor(private readonly db: DataSource) {}

  /** The currencies an owner has accounts in (trimmed ISO codes), in no particular order. */
  async currenciesOf(ownerId: string, m: EntityManager = this.db.manager): Promise<string[]> {
    const rows: { currency: string }[] = await m.query(`SELECT DISTINCT currency FROM ledger_accounts WHERE owner_id = $1`, [ownerId]);
    return rows.map((r) => r.currency.trim());
  }

  /** The postings with these ids (duplicates and unknown ids ignored), without their entries. */
  async postingHeads(postingIds: string[], m: EntityManager = this.db.manager): Promise<PostingHead[]> {
    if (postingIds.length === 0) return [];
    const rows: { id: string; cause: PostingCause; cause_ref: string; metadata: Record<string, unknown> }[] = await m.query(
      `SELECT id::text AS id, cause, cause_ref, metadata FROM ledger_postings WHERE id = ANY($1::bigint[])`,
      [[...new Set(postingIds)]],
    );
    return rows.map((r) => ({ postingId: r.id, cause: r.cause, causeRef: r.cause_ref, metadata: r.metadata }));
  }

  /** For each posting with one of these idempotency keys: what it put on owner accounts (postings touching none are absent). */
  async ownerNetByKeys(keys: string[], m: EntityManager = this.db.manager): Promise<PostingOwnerNet[]> {
    if (keys.length === 0) return [];
    return this.ownerNet(m, `p.idempotency_key = ANY($1::text[])`, [keys]);
  }

  /** For each posting of this cause about one of these business objects: what it put on owner accounts (postings touching none are absent). */
  async ownerNetByCause(cause: PostingCause, causeRefs: string[], m: EntityManager = this.db.manager): Promise<PostingOwnerNet[]> {
    if (causeRefs.length === 0) return [];
    return this.ownerNet(m, `p.cause = $1 AND p.cause_ref = ANY($2::text[])`, [cause, causeRefs]);
  }

  private async ownerNet(m: EntityManager, where: string, params: unknown[]): Promise<PostingOwnerNet[]> {
    const rows: { id: string; idempotency_key: string; cause_ref: string; net: bigint }[] = await m.query(
      `SELECT p.id::text AS id, p.idempotency_key, p.cause_ref, sum(e.amount)::bigint AS net
         FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
        WHERE ${where} AND a.owner_id IS NOT NULL
        GROUP BY p.id`,
      params,
    );
    return rows.map((r) => ({ postingId: r.id, idempotencyKey: r.idempotency_key, causeRef: r.cause_ref, net: r.net }));
  }

  /**
   * Per business object with a posting of this cause that occurred in [from, to): what those postings
   * put on owner accounts in all (null when they touched none).
   */
  async ownerNetOfCauseIn(cause: PostingCause, from: Date, to: Date, m: EntityManager = this.db.manager): Promise<{ causeRef: string; net: bigint | null }[]> {
    const rows: { cause_ref: string; net: bigint | null }[] = await m.query(
      `SELECT p.cause_ref, (sum(e.amount) FILTER (WHERE a.owner_id IS NOT NULL))::bigint AS net
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause = $1 AND p.occurred_at >= $2 AND p.occurred_at < $3 GROUP BY p.cause_ref`,
      [cause, from, to],
    );
    return rows.map((r) => ({ causeRef: r.cause_ref, net: r.net }));
  }

  /** Every entry on an owner account by a posting of these causes that occurred in [from, to), in posting and entry order. */
  async ownerEntries(causes: PostingCause[], from: Date, to: Date, m: EntityManager = this.db.manager): Promise<OwnerEntryRow[]> {
    return m.query(
      `SELECT p.id, p.occurred_at, p.cause, p.cause_ref, a.owner_id, a.kind, e.amount, e.currency
       FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id JOIN ledger_accounts a ON a.id = e.account_id
       WHERE p.cause = ANY($3::text[]) AND a.owner_id IS NOT NULL AND p.occurred_at >= $1 AND p.occurred_at < $2
       ORDER BY p.id, e.id`,
      [from, to, causes],
    );
  }

  /**
   * The rows of `source` whose column `idempotency_key` names no posting (one anti-join in the
   * database; the other columns come back as the source gives them).
   */
  async withoutPosting<T extends { idempotency_key: string }>(source: SqlSource, m: EntityManager = this.db.manager): Promise<T[]> {
    return m.query(`SELECT s.* FROM (${source.sql}) s WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.idempotency_key = s.idempotency_key)`, source.params);
  }

  /**
   * Entries of postings of this cause created within `createdWithin` (a PostgreSQL interval, e.g.
   * '2 days') that took an owner's account of this kind from zero or more to below zero.
   */
  async crossingsBelowZero(kind: AccountKind, cause: PostingCause, createdWithin: string, m: EntityManager = this.db.manager): Promise<BelowZeroCrossing[]> {
    const rows: { posting_id: string; owner_id: string; amount: bigint; balance_after: bigint; currency: string; metadata: Record<string, unknown> }[] = await m.query(
      `SELECT p.id::text AS posting_id, a.owner_id, e.amount, e.balance_after, btrim(a.currency) AS currency, p.metadata
         FROM ledger_postings p
         JOIN ledger_entries e ON e.posting_id = p.id
         JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = $1 AND a.owner_id IS NOT NULL
        WHERE p.cause = $2 AND p.created_at > now() - $3::interval
          AND e.amount < 0 AND e.balance_after < 0 AND e.balance_after - e.amount >= 0
        ORDER BY p.id, e.id`,
      [kind, cause, createdWithin],
    );
    return rows.map((r) => ({ postingId: r.posting_id, ownerId: r.owner_id, amount: r.amount, balanceAfter: r.balance_after, currency: r.currency, metadata: r.metadata }));
  }

  /**
   * Locks these owners' accounts of one kind and currency (id order, the order every posting locks
   * in) and returns their balances as of the lock: what a posting later in the transaction will move.
   * Owners without such an account are absent. Call inside the caller's transaction.
   */
  async lockBalances(m: EntityManager, kind: AccountKind, currency: string, ownerIds: string[]): Promise<Map<string, bigint>> {
    checkCurrency(currency);
    if (ownerIds.length === 0) return new Map();
    const rows: { owner_id: string; balance: bigint }[] = await m.query(
      `SELECT owner_id, balance FROM ledger_accounts WHERE kind = $1 AND currency = $2 AND owner_id = ANY($3::uuid[]) ORDER BY id FOR UPDATE`,
      [kind, currency, ownerIds],
    );
    return new Map(rows.map((r) => [r.owner_id, r.balance]));
  }

  /**
   * Runs the caller's `statement` (e.g. an INSERT ... SELECT) with the relation `balances(owner_id,
   * balance)` in scope: the accounts of one kind and currency whose owner `owners` yields (a query of
   * one column, owner_id) and whose balance is at least `minBalance`, locked in id order (balances read
   * after the lock, so exact). One statement, set-based (a payout batch for 100,000 referrers): the
   * owners, the lock and the statement never pass through the app. Returns what the statement returns.
   * Call inside the caller's transaction.
   */
  async withLockedBalances<T = unknown>(m: EntityManager, q: { kind: AccountKind; currency: string; minBalance: bigint; owners: string; statement: string; params: unknown[] }): Promise<T> {
    checkCurrency(q.currency);
    if (!m.queryRunner?.isTransactionActive) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'withLockedBalances locks accounts: call it inside a transaction');
    const params = [...q.params];
    // Untyped placeholders where the column's own type should be inferred (currency is char(3): a text
    // comparison would not use the account index).
    const param = (value: unknown, type = '') => `$${params.push(value)}${type && `::${type}`}`;
    return m.query(
      `WITH balances AS MATERIALIZED (
         SELECT a.owner_id, a.balance FROM ledger_accounts a
          WHERE a.kind = ${param(q.kind, 'text')} AND a.currency = ${param(q.currency)} AND a.owner_id IS NOT NULL
            AND a.balance >= ${param(q.minBalance.toString(), 'bigint')} AND a.owner_id IN (${q.owners})
          ORDER BY a.id FOR UPDATE OF a)
       ${q.statement}`,
      params,
    );
  }
}

function checkCurrency(currency: string): void {
  if (!isCurrency(currency)) throw new LedgerException(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'currency must be a 3-letter ISO 4217 code');
}
