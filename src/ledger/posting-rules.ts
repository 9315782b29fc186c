import { createHash } from 'node:crypto';
import { LedgerErrorCode, LedgerException } from './ledger.exception';
import { ACCOUNT_KIND_OVERDRAFT, AccountKind, AccountRef, OverdraftPolicy, PLATFORM_ACCOUNT_KINDS, PostingCause, PostingRequest } from './ledger.types';

/**
 * The pure rules of a posting: what a valid request looks like, and its canonical form (whose hash
 * pins an idempotency key to one payload). No I/O here, so it is tested without a database.
 */

const KINDS = new Set<string>(Object.values(AccountKind));
const CAUSES = new Set<string>(Object.values(PostingCause));
const PLATFORM_KINDS = new Set<string>(PLATFORM_ACCOUNT_KINDS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CURRENCY = /^[A-Z]{3}$/;
const INT8_MAX = 2n ** 63n - 1n;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 300;
export const MAX_LINES = 100;

/**
 * Whether a posting may take an account of this kind below zero: the kind's policy
 * (ACCOUNT_KIND_OVERDRAFT) and, for a clawback kind, the posting's clawback flag. The database
 * function ledger_may_overdraw decides the same way when the posting is written.
 */
export function mayOverdraw(kind: AccountKind, clawback: boolean): boolean {
  const policy = ACCOUNT_KIND_OVERDRAFT[kind];
  return policy === OverdraftPolicy.Always || (policy === OverdraftPolicy.Clawback && clawback);
}

/** The overdraft rule in words, for a refusal's message. */
export function overdraftRule(): string {
  const kinds = (p: OverdraftPolicy) => Object.values(AccountKind).filter((k) => ACCOUNT_KIND_OVERDRAFT[k] === p);
  return `only a clawback posting (clawback: true) may take ${kinds(OverdraftPolicy.Clawback).join(', ')} below zero; ${kinds(OverdraftPolicy.Never).join(', ')} never go below zero`;
}

export interface NormalizedLine {
  /** `kind|owner|currency`: one account's identity. */
  key: string;
  account: AccountRef;
  amount: bigint;
}

export interface NormalizedPosting {
  idempotencyKey: string;
  cause: PostingCause;
  causeRef: string;
  description: string;
  occurredAt: Date | null;
  metadata: Record<string, unknown>;
  lines: NormalizedLine[];
  requestHash: string;
  /** PostingRequest.clawback (false when absent); not hashed. */
  clawback: boolean;
}

export function accountKey(ref: AccountRef): string {
  return `${ref.kind}|${ref.ownerId ?? ''}|${ref.currency}`;
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value.toLowerCase());
}

export function isCurrency(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY.test(value);
}

function invalid(code: LedgerErrorCode, message: string, details?: unknown): never {
  throw new LedgerException(code, message, details);
}

function normalizeLine(line: unknown, index: number): NormalizedLine {
  const l = line as { account?: Partial<AccountRef>; amount?: unknown } | null;
  const where = `line ${index + 1}`;
  if (!l || typeof l !== 'object' || !l.account || typeof l.account !== 'object') invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where} has no account`);
  const { kind, ownerId, currency } = l.account;
  if (typeof kind !== 'string' || !KINDS.has(kind)) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: unknown account kind ${JSON.stringify(kind)}`);
  if (!isCurrency(currency)) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: currency must be a 3-letter ISO 4217 code in capitals, got ${JSON.stringify(currency)}`);
  let owner: string | null;
  if (PLATFORM_KINDS.has(kind)) {
    if (ownerId !== null && ownerId !== undefined) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: ${kind} is a platform account; its ownerId must be null`);
    owner = null;
  } else {
    if (!isUuid(ownerId)) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: ${kind} needs the owner's uuid as ownerId, got ${JSON.stringify(ownerId)}`);
    owner = ownerId.toLowerCase();
  }
  if (typeof l.amount !== 'bigint') invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: amount must be a bigint of minor units`);
  if (l.amount === 0n) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: amount is zero; a posting line must move money`);
  if (l.amount > INT8_MAX || l.amount < -INT8_MAX) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `${where}: amount is out of range`);
  const account: AccountRef = { kind: kind as AccountKind, ownerId: owner, currency };
  return { key: accountKey(account), account, amount: l.amount };
}

/**
 * The hashed form: cause, its object and the lines in a fixed order (description and metadata excluded).
 * FROZEN: request hashes are stored with every posting and a replay is compared against them, so
 * stored postings keep replaying as created:false. Changing it turns every replay into a conflict.
 */
export function canonicalPosting(cause: string, causeRef: string, lines: NormalizedLine[]): string {
  // Sort key = the fields joined by '|', computed once per line (this runs for every posting of a bulk call).
  const keyed = lines.map((l) => {
    const fields = [l.account.kind, l.account.ownerId ?? '', l.account.currency, l.amount.toString()];
    return { fields, key: fields.join('|') };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return JSON.stringify({ cause, causeRef, lines: keyed.map((k) => k.fields) });
}

/**
 * canonicalPosting of a two-line owner move (see OwnerMoves), as text pieces around the per-posting
 * values: the template is canonicalPosting's own output for placeholder values, so the SQL that
 * hashes bulk moves in the database follows this one function. `ref` is the causeRef, `owner` the
 * owner uuid, `from`/`to` the amounts of the lines on those kinds (as written by bigint::text).
 * The placeholders cannot clash with a kind, a cause or a currency (validated names).
 */
export function canonicalMoveTemplate(cause: PostingCause, from: AccountKind, to: AccountKind, currency: string): (string | { value: 'ref' | 'owner' | 'from' | 'to' })[] {
  const amount = (name: string) => ({ toString: () => `<<${name}>>` }) as unknown as bigint;
  const line = (kind: AccountKind, name: string): NormalizedLine => ({ key: '', account: { kind, ownerId: '<<owner>>', currency }, amount: amount(name) });
  const text = canonicalPosting(cause, '<<ref>>', [line(from, 'from'), line(to, 'to')]);
  return text
    .split(/(<<(?:ref|owner|from|to)>>)/)
    .filter((piece) => piece !== '')
    .map((piece) => (/^<<\w+>>$/.test(piece) ? { value: piece.slice(2, -2) as 'ref' | 'owner' | 'from' | 'to' } : piece));
}

/** Checks a request and returns it normalized, or throws LedgerException. */
export function normalizePosting(req: PostingRequest): NormalizedPosting {
  if (!req || typeof req !== 'object') invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'a posting request is required');
  const { idempotencyKey, cause, causeRef, description, occurredAt, metadata, clawback } = req;
  if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, `idempotencyKey must be a non-empty string of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  if (typeof cause !== 'string' || !CAUSES.has(cause)) invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, `unknown posting cause ${JSON.stringify(cause)}`);
  if (typeof causeRef !== 'string' || causeRef.trim() === '') invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'causeRef must name the business object behind the posting');
  if (typeof description !== 'string' || description.trim() === '') invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'description must say what the posting is');
  if (occurredAt !== undefined && !(occurredAt instanceof Date && !Number.isNaN(occurredAt.getTime()))) invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'occurredAt must be a valid Date');
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'metadata must be an object');
  if (clawback !== undefined && typeof clawback !== 'boolean') invalid(LedgerErrorCode.LEDGER_INVALID_REQUEST, 'clawback must be true or false');
  if (!Array.isArray(req.lines) || req.lines.length < 2) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, 'a posting needs at least two lines');
  if (req.lines.length > MAX_LINES) invalid(LedgerErrorCode.LEDGER_INVALID_LINES, `a posting has at most ${MAX_LINES} lines`);
  const lines = req.lines.map(normalizeLine);

  const sums = new Map<string, bigint>();
  for (const l of lines) sums.set(l.account.currency, (sums.get(l.account.currency) ?? 0n) + l.amount);
  const off = [...sums].filter(([, total]) => total !== 0n);
  if (off.length > 0) {
    const words = off.map(([currency, total]) => `${currency} sums to ${total}`).join(', ');
    invalid(LedgerErrorCode.LEDGER_UNBALANCED, `the posting does not balance: ${words}`, { sums: Object.fromEntries(off.map(([c, t]) => [c, t.toString()])) });
  }

  return {
    idempotencyKey,
    cause: cause as PostingCause,
    causeRef,
    description,
    occurredAt: occurredAt ?? null,
    metadata: metadata ?? {},
    lines,
    requestHash: createHash('sha256').update(canonicalPosting(cause, causeRef, lines)).digest('hex'),
    clawback: clawback ?? false,
  };
}
