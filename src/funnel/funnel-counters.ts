import { EntityManager } from 'typeorm';

/**
 * The funnel's counters live in a few rows per campaign (shards) rather than one, so concurrent
 * first events (opens arriving at thousands a second, several senders) do not queue on one row
 * lock. Each first event bumps one shard in the transaction that records it; a report sums at most
 * COUNTER_SHARDS rows, whatever the campaign's size.
 */
export const COUNTER_SHARDS = 8;

export const COUNTER_COLUMNS = [
  'sent',
  'bounced',
  'failed',
  'skipped',
  'opened_human',
  'opened_machine',
  'clicked_human',
  'clicked_machine',
  'registered',
  'active_referrers',
  'suppliers',
  'converted',
] as const;

export type CounterColumn = (typeof COUNTER_COLUMNS)[number];
export type CounterDeltas = Partial<Record<CounterColumn, number>>;

export function randomShard(): number {
  return Math.floor(Math.random() * COUNTER_SHARDS);
}

/** Creates a campaign's shard rows (at campaign creation). */
export async function createCounters(m: EntityManager, campaignId: string): Promise<void> {
  await m.query(`INSERT INTO campaign_counters (campaign_id, shard) SELECT $1, g FROM generate_series(0, $2 - 1) g ON CONFLICT DO NOTHING`, [campaignId, COUNTER_SHARDS]);
}

/** Adds the deltas to one shard of a campaign's counters, inside the caller's transaction. */
export async function bumpCounters(m: EntityManager, campaignId: string, deltas: CounterDeltas, shard = randomShard()): Promise<void> {
  const entries = Object.entries(deltas).filter(([, v]) => v) as [CounterColumn, number][];
  if (entries.length === 0) return;
  for (const [column] of entries) if (!COUNTER_COLUMNS.includes(column)) throw new Error(`Unknown counter ${column}`);
  const sets = entries.map(([column], i) => `${column} = ${column} + $${i + 3}`).join(', ');
  await m.query(`UPDATE campaign_counters SET ${sets} WHERE campaign_id = $1 AND shard = $2`, [campaignId, shard, ...entries.map(([, v]) => v)]);
}

/** Several campaigns' deltas at once (a tracking batch), shard rows locked in a stable order. */
export async function bumpManyCounters(m: EntityManager, byCampaign: Map<string, CounterDeltas>, shard = randomShard()): Promise<void> {
  for (const campaignId of [...byCampaign.keys()].sort()) await bumpCounters(m, campaignId, byCampaign.get(campaignId)!, shard);
}

export type CounterTotals = Record<CounterColumn, number>;

export async function readCounters(m: EntityManager, campaignId: string): Promise<CounterTotals> {
  const sums = COUNTER_COLUMNS.map((c) => `COALESCE(sum(${c}), 0)::int AS ${c}`).join(', ');
  const rows = await m.query(`SELECT ${sums} FROM campaign_counters WHERE campaign_id = $1`, [campaignId]);
  return rows[0] as CounterTotals;
}

/**
 * Machine-only recipients of a campaign by stage and by the reason of their first machine hit
 * (campaign_machine_counters, kept by the tracking batch; reason '' when none was recorded).
 */
export async function readMachineCounters(m: EntityManager, campaignId: string): Promise<{ stage: 'open' | 'click'; reason: string; n: number }[]> {
  return m.query(`SELECT stage, reason, sum(n)::int AS n FROM campaign_machine_counters WHERE campaign_id = $1 GROUP BY stage, reason`, [campaignId]);
}
