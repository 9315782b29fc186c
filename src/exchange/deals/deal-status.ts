/**
 * The receiving member's deal status. Only forward steps in order: accepted → contacted →
 * proposal → won; lost may end the deal from any open step. Won and lost are final.
 */
export type DealStatus = 'accepted' | 'contacted' | 'proposal' | 'won' | 'lost';
export const DEAL_STATUSES: DealStatus[] = ['accepted', 'contacted', 'proposal', 'won', 'lost'];

const NEXT: Record<DealStatus, DealStatus[]> = {
  accepted: ['contacted', 'lost'],
  contacted: ['proposal', 'lost'],
  proposal: ['won', 'lost'],
  won: [],
  lost: [],
};

export function allowedNext(from: DealStatus): DealStatus[] {
  return NEXT[from];
}

export function canMove(from: DealStatus, to: DealStatus): boolean {
  return NEXT[from].includes(to);
}

export function isClosed(s: DealStatus | null): boolean {
  return s === 'won' || s === 'lost';
}
