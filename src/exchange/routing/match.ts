/**
 * Who gets a sales-ready lead. Pure: the routing service loads members and leads in batches and
 * asks this function, so the choice is the same in a single reroute and in a 100,000-lead run.
 *
 * A member is eligible when it is not the submitter, has not been offered this lead before,
 * takes budgets this large (threshold ≤ budget), has capacity left this week, serves the lead's
 * region (no declared regions = everywhere) and shares at least one expertise tag (when the lead
 * has tags). Among eligible members the best is, in order: more shared tags, a better past win
 * rate on leads with those tags, more capacity left, then the member id (a stable tie-break).
 */
export interface MemberCandidate {
  id: string;
  threshold: bigint;
  tagIds: number[];
  regions: string[];
  /** Leads it may still be offered this week (capacity − live offers and accepts this week). */
  remaining: number;
  /** Past closed deals per tag id: won and closed (won + lost) counts. */
  history: Map<number, { won: number; closed: number }>;
}

export interface LeadToRoute {
  id: string;
  submitterMemberId: string | null;
  budget: bigint;
  tagIds: number[];
  region: string | null;
  /** Members already offered this lead (declined or timed out): never offered again. */
  excluded: Set<string>;
}

export interface Ranked {
  memberId: string;
  overlap: number;
  /** Smoothed win rate on the lead's tags, (won + 1) / (closed + 2), as a fraction 0–1. */
  winRate: number;
  remaining: number;
}

export function winRateOnTags(member: MemberCandidate, tagIds: number[]): number {
  let won = 0;
  let closed = 0;
  for (const t of tagIds) {
    const h = member.history.get(t);
    if (h) {
      won += h.won;
      closed += h.closed;
    }
  }
  return (won + 1) / (closed + 2);
}

function overlapOf(a: number[], b: number[]): number {
  let n = 0;
  for (const x of a) if (b.includes(x)) n++;
  return n;
}

export function isEligible(lead: LeadToRoute, m: MemberCandidate): boolean {
  if (m.id === lead.submitterMemberId || lead.excluded.has(m.id)) return false;
  if (m.remaining <= 0 || m.threshold > lead.budget) return false;
  if (lead.region && m.regions.length > 0 && !m.regions.includes(lead.region)) return false;
  if (lead.tagIds.length > 0 && overlapOf(lead.tagIds, m.tagIds) === 0) return false;
  return true;
}

/** a before b when a is the better match. */
export function compareRanked(a: Ranked, b: Ranked): number {
  return b.overlap - a.overlap || b.winRate - a.winRate || b.remaining - a.remaining || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
}

/** Every eligible member, best first. */
export function rankMembers(lead: LeadToRoute, members: MemberCandidate[]): Ranked[] {
  const out: Ranked[] = [];
  for (const m of members) {
    if (!isEligible(lead, m)) continue;
    out.push({ memberId: m.id, overlap: overlapOf(lead.tagIds, m.tagIds), winRate: winRateOnTags(m, lead.tagIds), remaining: m.remaining });
  }
  return out.sort(compareRanked);
}

/** The single best member, or null when nobody fits. */
export function bestMember(lead: LeadToRoute, members: MemberCandidate[]): Ranked | null {
  let best: Ranked | null = null;
  for (const m of members) {
    if (!isEligible(lead, m)) continue;
    const r = { memberId: m.id, overlap: overlapOf(lead.tagIds, m.tagIds), winRate: winRateOnTags(m, lead.tagIds), remaining: m.remaining };
    if (!best || compareRanked(r, best) < 0) best = r;
  }
  return best;
}

/**
 * Routes a batch (leads in the order given, best-scored first): each lead takes the best member
 * and uses up one unit of that member's capacity, so a batch never overfills anyone.
 */
export function assignBatch(leads: LeadToRoute[], members: MemberCandidate[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const byId = new Map(members.map((m) => [m.id, m]));
  for (const lead of leads) {
    const best = bestMember(lead, members);
    out.set(lead.id, best?.memberId ?? null);
    if (best) byId.get(best.memberId)!.remaining -= 1;
  }
  return out;
}
