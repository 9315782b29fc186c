import { DEAL_STATUSES, DealStatus } from './deal-status';

/** What the partner company's page opens on: offers waiting (soonest deadline first) and its accepted leads by status. */
export interface PartnerDashboard {
  offers: { leadId: string; companyName: string; expiresAt: Date }[];
  byStatus: { status: DealStatus; count: number }[];
  accepted: number;
}

export interface InboxLead {
  id: string;
  companyName: string;
  routingState: string;
  offerExpiresAt: Date | string | null;
  dealStatus: string | null;
}

/** From the member's inbox (offered and accepted leads). Every deal status is listed, zeros included, in the deal's order. */
export function partnerDashboard(inbox: InboxLead[]): PartnerDashboard {
  const offers = inbox
    .filter((l) => l.routingState === 'offered' && l.offerExpiresAt !== null)
    .map((l) => ({ leadId: l.id, companyName: l.companyName, expiresAt: new Date(l.offerExpiresAt as Date | string) }))
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  const counts = new Map<string, number>();
  for (const l of inbox) if (l.routingState === 'accepted' && l.dealStatus) counts.set(l.dealStatus, (counts.get(l.dealStatus) ?? 0) + 1);
  const byStatus = DEAL_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
  return { offers, byStatus, accepted: byStatus.reduce((n, s) => n + s.count, 0) };
}
