/**
 * Who gets a sales-ready lead. Pure: the routing service loads members and leads in batches and
 * asks this function, so the choice is the same in a single reroute and in a 100,000-lead run.
 *
 * A member is eligible when it is not the submitter, has not been offered this lead before,
 * takes budgets this large (threshold ≤ budget), has capacity left this week, serves the lead's
 * region (no declared regions = everywhere) and shares at least one expertise tag (when the lead
 * has tags) and serves the lead's company size (none declared = every size). Among eligible members
 * the best is, in order: more shared tags, a better past win rate on leads with those tags, more
 * capacity left, then the member id (a stable tie-break); in rotation mode see RoutingMode.
 */
/** Company size of a lead's client (deal scale), a criterion members declare. */
export const COMPANY_SIZES = ['small', 'medium', 'large', 'enterprise'];

/**
 * How equally good matches share the work: `best_match` gives each lead the single best member;
 * `rotation` treats members with the same tag overlap as equally good and gives the lead to the one
 * least loaded relative to its weekly capacity (a weighted rotation: a member with twice the
 * capacity gets about twice the leads), then the better win rate, then the member id.
 */
export type RoutingMode = 'best_match' | 'rotation';

export interface MemberCandidate {
  id: string;
  threshold: bigint;
  tagIds: number[];
  regions: string[];
  /** Company sizes it serves; empty = every size. */
  companySizes: string[];
  /** Its weekly capacity (the weight of a rotation). */
  capacity: number;
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
  companySize: string | null;
  /** Members already offered this lead (declined or timed out): never offered again. */
  excluded: Set<string>;
}

export interface Ranked {
  memberId: string;
  overlap: number;
  /** Smoothed win rate on the lead's tags, (won + 1) / (closed + 2), as a fraction 0–1. */
  winRate: number;
  remaining: number;
  /** Share of its weekly capacity already offered or accepted, 0–1. */
  load: number;
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
  if (lead.companySize && m.companySizes.length > 0 && !m.companySizes.includes(lead.companySize)) return false;
  if (lead.tagIds.length > 0 && overlapOf(lead.tagIds, m.tagIds) === 0) return false;
  return true;
}

const byId = (a: Ranked, b: Ranked): number => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/** a before b when a is the better match (in rotation: the less loaded of equally good ones). */
export function compareRanked(a: Ranked, b: Ranked, mode: RoutingMode = 'best_match'): number {
  if (mode === 'rotation') return b.overlap - a.overlap || a.load - b.load || b.winRate - a.winRate || byId(a, b);
  return b.overlap - a.overlap || b.winRate - a.winRate || b.remaining - a.remaining || byId(a, b);
}

function ranked(lead: LeadToRoute, m: MemberCandidate): Ranked {
  const load = m.capacity > 0 ? (m.capacity - m.remaining) / m.capacity : 1;
  return { memberId: m.id, overlap: overlapOf(lead.tagIds, m.tagIds), winRate: winRateOnTags(m, lead.tagIds), remaining: m.remaining, load };
}

/** Every eligible member, best first. */
export function rankMembers(lead: LeadToRoute, members: MemberCandidate[], mode: RoutingMode = 'best_match'): Ranked[] {
  const out: Ranked[] = [];
  for (const m of members) if (isEligible(lead, m)) out.push(ranked(lead, m));
  return out.sort((a, b) => compareRanked(a, b, mode));
}

/** The single best member, or null when nobody fits. */
export function bestMember(lead: LeadToRoute, members: MemberCandidate[], mode: RoutingMode = 'best_match'): Ranked | null {
  let best: Ranked | null = null;
  for (const m of members) {
    if (!isEligible(lead, m)) continue;
    const r = ranked(lead, m);
    if (!best || compareRanked(r, best, mode) < 0) best = r;
  }
  return best;
}

/**
 * Routes a batch (leads in the order given, best-scored first): each lead takes the best member
 * and uses up one unit of that member's capacity, so a batch never overfills anyone.
 */
export function assignBatch(leads: LeadToRoute[], members: MemberCandidate[], mode: RoutingMode = 'best_match'): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const byMember = new Map(members.map((m) => [m.id, m]));
  for (const lead of leads) {
    const best = bestMember(lead, members, mode);
    out.set(lead.id, best?.memberId ?? null);
    if (best) byMember.get(best.memberId)!.remaining -= 1;
  }
  return out;
}
