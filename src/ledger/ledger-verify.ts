import { EntityManager } from 'typeorm';
import { VerifyReport } from './ledger.types';

/**
 * Set-based checks of the ledger's invariants, run in the given (snapshot) transaction. Each check is
 * one aggregate query over the whole ledger, not a loop over rows, so it stays fast on large ledgers.
 * The checks run from the most local to the most global; the first one that fails is reported.
 */
type Check = (m: EntityManager) => Promise<string | null>;

const describeAccount = (r: { id: bigint; kind: string; owner_id: string | null; currency: string }) =>
  `account ${r.id} (${r.kind}${r.owner_id ? ` of ${r.owner_id}` : ''}, ${r.currency.trim()})`;

const CHECKS: Check[] = [
  // Every posting has at least two entries.
  async (m) => {
    const rows = await m.query(
      `SELECT p.id, p.idempotency_key, count(e.id) AS n
       FROM ledger_postings p LEFT JOIN ledger_entries e ON e.posting_id = p.id
       GROUP BY p.id HAVING count(e.id) < 2 ORDER BY p.id LIMIT 1`,
    );
    return rows.length ? `posting ${rows[0].id} (${rows[0].idempotency_key}) has ${rows[0].n} entries; at least 2 are required` : null;
  },
  // Every posting sums to zero per currency.
  async (m) => {
    const rows = await m.query(
      `SELECT e.posting_id, e.currency, sum(e.amount) AS total
       FROM ledger_entries e GROUP BY e.posting_id, e.currency HAVING sum(e.amount) <> 0
       ORDER BY e.posting_id LIMIT 1`,
    );
    return rows.length ? `posting ${rows[0].posting_id} does not balance: its ${rows[0].currency.trim()} entries sum to ${rows[0].total}` : null;
  },
  // An entry's currency is its account's (also checked by the statement trigger on ledger_entries).
  async (m) => {
    const rows = await m.query(
      `SELECT e.id, e.currency, a.id AS account_id, a.currency AS account_currency FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
       WHERE e.currency <> a.currency ORDER BY e.id LIMIT 1`,
    );
    return rows.length ? `entry ${rows[0].id} is in ${rows[0].currency} but its account ${rows[0].account_id} is in ${rows[0].account_currency}` : null;
  },
  // Each stored balance equals the sum of its account's entries.
  async (m) => {
    const rows = await m.query(
      `SELECT a.id, a.kind, a.owner_id, a.currency, a.balance, coalesce(s.total, 0) AS total
       FROM ledger_accounts a
       LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id
       WHERE a.balance <> coalesce(s.total, 0)
       ORDER BY a.id LIMIT 1`,
    );
    return rows.length ? `${describeAccount(rows[0])}: stored balance ${rows[0].balance} but its entries sum to ${rows[0].total}` : null;
  },
  // Each entry's balance_after is the running sum of its account's entries up to it.
  async (m) => {
    const rows = await m.query(
      `SELECT x.id, x.account_id, x.balance_after, x.running
       FROM (SELECT id, account_id, balance_after, sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS running FROM ledger_entries) x
       WHERE x.balance_after <> x.running
       ORDER BY x.id LIMIT 1`,
    );
    return rows.length
      ? `entry ${rows[0].id} on account ${rows[0].account_id}: balance_after ${rows[0].balance_after} but the running sum of the account's entries is ${rows[0].running}`
      : null;
  },
  // All stored balances in a currency sum to zero.
  async (m) => {
    const rows = await m.query(`SELECT currency, sum(balance) AS total FROM ledger_accounts GROUP BY currency HAVING sum(balance) <> 0 ORDER BY currency LIMIT 1`);
    return rows.length ? `the ${rows[0].currency.trim()} accounts sum to ${rows[0].total}, not zero` : null;
  },
];

export async function verifyLedger(m: EntityManager): Promise<VerifyReport> {
  const [counts] = await m.query(
    `SELECT (SELECT count(*) FROM ledger_postings) AS postings, (SELECT count(*) FROM ledger_entries) AS entries, (SELECT count(*) FROM ledger_accounts) AS accounts`,
  );
  const report: VerifyReport = { ok: true, postings: Number(counts.postings), entries: Number(counts.entries), accounts: Number(counts.accounts) };
  for (const check of CHECKS) {
    const problem = await check(m);
    if (problem) return { ...report, ok: false, firstDiscrepancy: problem };
  }
  return report;
}
