import { DealEventView, LeadView, SubmittedLeadView } from './lead.dto';

/** Row → view mappers. The submitter's view is built from a separate, narrower shape on purpose. */
export const LEAD_SELECT = `
  SELECT l.*, (SELECT array_agg(t.slug ORDER BY t.slug) FROM exchange_tags t WHERE t.id = ANY(l.tag_ids)) AS tag_slugs,
         (SELECT a.expires_at FROM exchange_assignments a WHERE a.lead_id = l.id AND a.state = 'offered') AS offer_expires_at,
         (SELECT a.handoff_text FROM exchange_assignments a WHERE a.lead_id = l.id AND a.state = 'accepted') AS handoff_text,
         (SELECT r.company_name FROM exchange_members r WHERE r.id = l.receiver_member_id) AS receiver_company
    FROM exchange_leads l`;

const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));

export function toLeadView(r: any, history: DealEventView[]): LeadView {
  return {
    id: r.id,
    submitterMemberId: r.submitter_member_id,
    channel: r.channel,
    companyName: r.company_name,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    contactPhone: r.contact_phone,
    tags: r.tag_slugs ?? [],
    needsText: r.needs_text,
    region: r.region,
    companySize: r.company_size ?? null,
    budget: BigInt(r.budget),
    currency: String(r.currency).trim(),
    authority: r.authority,
    need: r.need,
    timelineDays: r.timeline_days,
    cost: big(r.cost),
    scores: { budget: r.score_budget, authority: r.score_authority, need: r.score_need, timing: r.score_timing },
    score: r.score,
    qualification: r.qualification,
    routingState: r.routing_state,
    flag: r.flag,
    receiverMemberId: r.receiver_member_id,
    offerExpiresAt: r.offer_expires_at ?? null,
    handoffText: r.handoff_text ?? null,
    dealStatus: r.deal_status,
    wonValue: big(r.won_value),
    lostReason: r.lost_reason,
    statusChangedAt: r.status_changed_at,
    createdAt: r.created_at,
    history,
  };
}

export function toSubmittedView(r: any, history: DealEventView[]): SubmittedLeadView {
  return {
    id: r.id,
    companyName: r.company_name,
    tags: r.tag_slugs ?? [],
    budget: BigInt(r.budget),
    score: r.score,
    qualification: r.qualification,
    routingState: r.routing_state,
    dealStatus: r.deal_status,
    wonValue: big(r.won_value),
    // Who works the lead, once it accepted it (an offer may still be declined), and its hand-off text.
    receiverCompany: r.routing_state === 'accepted' ? (r.receiver_company ?? null) : null,
    handoffText: r.routing_state === 'accepted' ? (r.handoff_text ?? null) : null,
    createdAt: r.created_at,
    history: history.map(({ status, at, wonValue, lostReason }) => ({ status, at, wonValue, lostReason })),
  };
}

/**
 * What the receiving member sees: not the submitter's acquisition cost, and no way to reach the
 * contact (email, phone) before it has accepted the lead, so an offer cannot be worked on the side.
 */
export function forReceiver(v: LeadView): LeadView {
  const offered = v.routingState === 'offered';
  return { ...v, cost: null, contactEmail: offered ? null : v.contactEmail, contactPhone: offered ? null : v.contactPhone };
}

/** Lower-case letters and digits only, so "ACME, LLC" and "Acme LLC" are the same company. */
export function companyKey(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The need of a lead for duplicate detection: its tag set, or its text when it has no tags. */
export function needKey(tagIds: number[], needsText: string): string {
  return tagIds.length > 0 ? `tags:${[...tagIds].sort((a, b) => a - b).join(',')}` : `text:${needsText.toLowerCase().replace(/\s+/g, ' ').trim()}`;
}
