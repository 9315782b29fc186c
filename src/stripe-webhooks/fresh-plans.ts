/**
 * Transaction-local: plans inside PL/pgSQL (the ledger's deferred ledger_postings_have_entries check
 * runs once per posting at commit) are made for each call instead of cached per connection. Measured
 * in the webhooks benchmark: a pooled connection keeps the generic plan it chose while ledger_entries
 * was small (a sequential scan), so each group's commit grew with the table (10 ms → 200+ ms for 200
 * postings after 16,000 entries); with fresh plans it stays at 1–2 ms.
 */
export const FRESH_PLANS = `set_config('plan_cache_mode', 'force_custom_plan', true) AS fresh_plans`;
