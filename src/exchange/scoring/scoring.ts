/**
 * BANT scoring: each of budget, authority, need and timing gets 1–5 by the operator's rule set; the
 * score is their product (1–625) and the qualification follows from two thresholds. Pure functions,
 * so the rules are tested without a database and applied the same way everywhere.
 */
export type Dimension = 'budget' | 'authority' | 'need' | 'timing';
export const DIMENSIONS: Dimension[] = ['budget', 'authority', 'need', 'timing'];

export type Qualification = 'sales_ready' | 'nurture' | 'disqualified';

export interface ScoringRules {
  /** Budget bands by minimum budget in minor units (decimal strings); the highest band reached wins. */
  budget: { min: string; score: number }[];
  /** Decision authority of the contact → score. */
  authority: Record<string, number>;
  /** Strength of the need → score. */
  need: Record<string, number>;
  /** Buying within `maxDays` → score; the first (smallest) matching band wins. */
  timeline: { maxDays: number; score: number }[];
  /** Score when no timeline is known or it is beyond every band. */
  timelineUnknownScore: number;
}

export interface LeadFacts {
  budget: bigint;
  authority: string;
  need: string;
  timelineDays: number | null;
}

export type Scores = Record<Dimension, number>;

export interface Thresholds {
  salesReadyMin: number;
  nurtureMin: number;
}

export class ScoringRuleError extends Error {}

const isScore = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 5;

/** Refuses a rule set that could produce a score outside 1–5 or cannot score every lead. */
export function validateRules(rules: ScoringRules): void {
  if (!Array.isArray(rules.budget) || rules.budget.length === 0) throw new ScoringRuleError('budget needs at least one band');
  for (const b of rules.budget) {
    if (!/^\d+$/.test(String(b.min))) throw new ScoringRuleError(`budget band min must be a non-negative integer string, got ${b.min}`);
    if (!isScore(b.score)) throw new ScoringRuleError(`budget band score must be 1–5, got ${b.score}`);
  }
  if (!rules.budget.some((b) => BigInt(b.min) === 0n)) throw new ScoringRuleError('budget needs a band starting at 0');
  for (const key of ['authority', 'need'] as const) {
    const map = rules[key];
    if (!map || typeof map !== 'object' || Object.keys(map).length === 0) throw new ScoringRuleError(`${key} needs at least one value`);
    for (const [k, v] of Object.entries(map)) {
      if (!/^[a-z0-9_]{1,40}$/.test(k)) throw new ScoringRuleError(`${key} value "${k}" must be lower-case letters, digits, underscores`);
      if (!isScore(v)) throw new ScoringRuleError(`${key}.${k} must be 1–5, got ${v}`);
    }
  }
  if (!Array.isArray(rules.timeline)) throw new ScoringRuleError('timeline must be a list of bands');
  for (const t of rules.timeline) {
    if (!Number.isInteger(t.maxDays) || t.maxDays < 0) throw new ScoringRuleError(`timeline maxDays must be a non-negative integer, got ${t.maxDays}`);
    if (!isScore(t.score)) throw new ScoringRuleError(`timeline score must be 1–5, got ${t.score}`);
  }
  if (!isScore(rules.timelineUnknownScore)) throw new ScoringRuleError(`timelineUnknownScore must be 1–5, got ${rules.timelineUnknownScore}`);
}

export function scoreLead(rules: ScoringRules, lead: LeadFacts): Scores {
  let budget = 1;
  let bestMin = -1n;
  for (const band of rules.budget) {
    const min = BigInt(band.min);
    if (lead.budget >= min && min > bestMin) {
      bestMin = min;
      budget = band.score;
    }
  }
  const authority = rules.authority[lead.authority];
  const need = rules.need[lead.need];
  if (authority === undefined) throw new ScoringRuleError(`unknown authority "${lead.authority}"; known: ${Object.keys(rules.authority).join(', ')}`);
  if (need === undefined) throw new ScoringRuleError(`unknown need "${lead.need}"; known: ${Object.keys(rules.need).join(', ')}`);
  let timing = rules.timelineUnknownScore;
  if (lead.timelineDays !== null) {
    const band = [...rules.timeline].sort((a, b) => a.maxDays - b.maxDays).find((t) => lead.timelineDays! <= t.maxDays);
    if (band) timing = band.score;
  }
  return { budget, authority, need, timing };
}

export function product(s: Scores): number {
  for (const d of DIMENSIONS) if (!isScore(s[d])) throw new ScoringRuleError(`${d} score must be 1–5, got ${s[d]}`);
  return s.budget * s.authority * s.need * s.timing;
}

export function validateThresholds(t: Thresholds): void {
  for (const [k, v] of Object.entries(t)) {
    if (!Number.isInteger(v) || v < 1 || v > 625) throw new ScoringRuleError(`${k} must be an integer 1–625, got ${v}`);
  }
  if (t.nurtureMin > t.salesReadyMin) throw new ScoringRuleError(`nurtureMin (${t.nurtureMin}) exceeds salesReadyMin (${t.salesReadyMin})`);
}

export function qualify(score: number, t: Thresholds): Qualification {
  if (score >= t.salesReadyMin) return 'sales_ready';
  if (score >= t.nurtureMin) return 'nurture';
  return 'disqualified';
}
