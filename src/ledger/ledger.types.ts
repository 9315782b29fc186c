/**
 * The commission ledger's contract, shared by every feature that moves money (billing, payouts,
 * lead-exchange fees). Double-entry and append-only: a posting is a balanced set of entries.
 *
 * Sign convention: an account's balance is the sum of its entry amounts. Every posting's amounts
 * sum to zero per currency, so all balances in a currency sum to zero.
 *
 *   commission accrues        platform_commission_expense −X   referrer_pending   +X
 *   hold ends                 referrer_pending            −X   referrer_available +X
 *   dispute opened            referrer_pending/available  −X   referrer_disputed  +X
 *   dispute won               referrer_disputed           −X   (back where it came from) +X
 *   refund / dispute lost     referrer_pending/available/disputed −D   platform_commission_expense +D
 *   payout batch created      referrer_available          −X   payouts_in_transit +X
 *   payout item paid          payouts_in_transit          −X   referrer_paid      +X
 *   payout item failed        payouts_in_transit          −X   referrer_available +X
 *   adjustment (credit)       platform_adjustments        −X   referrer_available +X
 *   one-off bonus             platform_commission_expense −X   referrer_pending   +X  (clawback: the reverse)
 *
 * Which accounts may go below zero is a property of their kind (ACCOUNT_KIND_OVERDRAFT): the
 * platform's accounts always (their balance is the program's cost), a referrer's pending, available
 * and disputed balances only by a posting that says it is a clawback (PostingRequest.clawback: money
 * taken back after it was credited, released or paid out; the debt is carried against future
 * earnings), in transit and paid never.
 */
export enum AccountKind {
  ReferrerPending = 'referrer_pending',
  ReferrerAvailable = 'referrer_available',
  ReferrerDisputed = 'referrer_disputed',
  PayoutsInTransit = 'payouts_in_transit',
  ReferrerPaid = 'referrer_paid',
  PlatformCommissionExpense = 'platform_commission_expense',
  PlatformAdjustments = 'platform_adjustments',
}

/** What caused a posting; shown in the referrer's statement. */
export enum PostingCause {
  Invoice = 'invoice',
  HoldRelease = 'hold_release',
  Refund = 'refund',
  Dispute = 'dispute',
  Payout = 'payout',
  Adjustment = 'adjustment',
  LeadFee = 'lead_fee',
  /** A commission re-judged (the months re-counted from an earlier first payment, a stop date learnt late). */
  CommissionCorrection = 'commission_correction',
  /** The one-off bonus for a supplier's first payment (or its restoration when a refund failed). */
  Bonus = 'bonus',
  /** The bonus taken back: its first payment was refunded in full. */
  BonusClawback = 'bonus_clawback',
}

export interface AccountRef {
  kind: AccountKind;
  /** Referrer id (or exchange member id) for owner accounts; null for platform accounts. */
  ownerId: string | null;
  /** ISO 4217; one currency per account, never mixed. */
  currency: string;
}

export interface PostingLine {
  account: AccountRef;
  /** Minor units; positive increases the account's balance, negative decreases it. Never 0. */
  amount: bigint;
}

export interface PostingRequest {
  /**
   * Chosen by the caller from the business cause, e.g. `commission:<invoiceId>`,
   * `release:<commissionId>`, `payout-item:<id>`. Unique in the database: the same key with the
   * same lines returns the first posting; with different lines it is IDEMPOTENCY_CONFLICT.
   */
  idempotencyKey: string;
  cause: PostingCause;
  /** The business object behind the posting (invoice id, refund id, payout item id, ...). */
  causeRef: string;
  description: string;
  lines: PostingLine[];
  /** When the business event happened (defaults to now). */
  occurredAt?: Date;
  /** Free-form context kept with the posting. */
  metadata?: Record<string, unknown>;
  /**
   * The posting takes back from the owner what it was credited: a refund or lost dispute after the
   * commission was released or paid out, a commission corrected down, a bonus clawed back, a fee or a
   * debit adjustment charged to it. Only then may it take the owner's accounts whose kind allows a
   * clawback (OverdraftPolicy.Clawback) below zero; without it such a posting is refused
   * (LEDGER_NEGATIVE_BALANCE). Not part of the request hash. Default false.
   */
  clawback?: boolean;
}

/**
 * Many postings of one shape, each moving an amount between two accounts of one owner (payout
 * reserves and releases): line 1 on kind `from` gets -amount, line 2 on kind `to` gets +amount.
 * The per-posting values come from `source`, an SQL query run by the ledger inside the statement
 * that posts them (nothing per posting passes through the app), yielding the columns
 * `ord` (posting order), `idempotency_key` text, `cause_ref` text (letters, digits, `_ : . + -`),
 * `owner_id` uuid and `amount` bigint (nonzero, may be negative). What post() would be given for a
 * row: { idempotencyKey, cause, causeRef, description, metadata,
 *   lines: [{ account: { kind: from, ownerId, currency }, amount: -amount }, { account: { kind: to, ownerId, currency }, amount }] }.
 */
export interface OwnerMoves {
  cause: PostingCause;
  description: string;
  metadata?: Record<string, unknown>;
  currency: string;
  from: AccountKind;
  to: AccountKind;
  source: { sql: string; params: unknown[] };
  /** As PostingRequest.clawback, for every move (payout reserves and releases are not: default false). */
  clawback?: boolean;
}

export interface PostingResult {
  postingId: string;
  /** false when the idempotency key had already posted (nothing new written). */
  created: boolean;
}

export interface ReferrerBalances {
  currency: string;
  pending: bigint;
  available: bigint;
  disputed: bigint;
  inTransit: bigint;
  paid: bigint;
}

export interface StatementLine {
  postingId: string;
  occurredAt: Date;
  cause: PostingCause;
  causeRef: string;
  description: string;
  account: AccountKind;
  amount: bigint;
  /** Balance of that account right after this entry. */
  balanceAfter: bigint;
}

export interface VerifyReport {
  ok: boolean;
  postings: number;
  entries: number;
  accounts: number;
  /** The first problem found, in words, when ok is false. */
  firstDiscrepancy?: string;
}

// ---- Additions (the names above are the stable contract; these only add to it) ----
//
// Rules LedgerService.post enforces beyond balancing (LedgerException codes in ledger.exception.ts):
//  - platform kinds (below) take ownerId null; every other kind takes the owner's uuid (LEDGER_INVALID_LINES);
//  - an account goes below zero only as its kind allows (ACCOUNT_KIND_OVERDRAFT; the database function
//    ledger_may_overdraw holds the same table): a referrer balance only by a clawback posting
//    (LEDGER_NEGATIVE_BALANCE, 409); commission, hold release and payouts never overdraw it;
//  - a refused posting leaves the caller's transaction unusable when the refusal came from the database
//    (LEDGER_NEGATIVE_BALANCE): roll it back. IDEMPOTENCY_CONFLICT and validation errors write nothing.
//  - account locks are held until the caller commits: post last in the transaction and commit soon.

/** Kinds whose accounts belong to the platform (ownerId null); every other kind needs an owner uuid. */
export const PLATFORM_ACCOUNT_KINDS: readonly AccountKind[] = [AccountKind.PlatformCommissionExpense, AccountKind.PlatformAdjustments];

/** How far below zero an account of a kind may go. */
export enum OverdraftPolicy {
  /** Never: a posting that would take it below zero is refused. */
  Never = 'never',
  /** Only by a clawback posting (PostingRequest.clawback): the owner's debt, carried against future earnings. */
  Clawback = 'clawback',
  /** Always: the platform's side of every movement (what the program has spent), negative by nature. */
  Always = 'always',
}

/**
 * Each kind's overdraft policy. The database enforces the same table (ledger_may_overdraw in
 * src/ledger/ledger-functions.sql; test/ledger-functions.spec.ts compares the two).
 */
export const ACCOUNT_KIND_OVERDRAFT: Readonly<Record<AccountKind, OverdraftPolicy>> = {
  [AccountKind.ReferrerPending]: OverdraftPolicy.Clawback,
  [AccountKind.ReferrerAvailable]: OverdraftPolicy.Clawback,
  [AccountKind.ReferrerDisputed]: OverdraftPolicy.Clawback,
  [AccountKind.PayoutsInTransit]: OverdraftPolicy.Never,
  [AccountKind.ReferrerPaid]: OverdraftPolicy.Never,
  [AccountKind.PlatformCommissionExpense]: OverdraftPolicy.Always,
  [AccountKind.PlatformAdjustments]: OverdraftPolicy.Always,
};

/** One entry of a posting, as read back. */
export interface PostingEntryView {
  account: AccountRef;
  amount: bigint;
  balanceAfter: bigint;
}

/** A stored posting with its entries (postingsByCause). */
export interface PostingView {
  postingId: string;
  idempotencyKey: string;
  cause: PostingCause;
  causeRef: string;
  description: string;
  occurredAt: Date;
  createdAt: Date;
  metadata: Record<string, unknown>;
  entries: PostingEntryView[];
}

export interface StatementPage {
  limit?: number;
  offset?: number;
}
