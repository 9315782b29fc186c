import type { DomainEventName } from '../events/domain-events';

/** The version of every event body; a breaking change of a payload gets a new one. */
export const WEBHOOK_API_VERSION = '2026-12-01';

/** Every fact an endpoint may subscribe to (the order the pages list them in). */
export const WEBHOOK_EVENT_TYPES = [
  'referrer.registered',
  'supplier.attributed',
  'supplier.converted',
  'commission.earned',
  'commission.available',
  'commission.clawed_back',
  'payout.paid',
  'payout.failed',
  'lead.routed',
  'lead.won',
  'lead.lost',
] as const satisfies readonly DomainEventName[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(v: unknown): v is WebhookEventType {
  return typeof v === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v);
}

/**
 * The `data` of an event as sent: the fact's payload with only the fields we promise (internal
 * hints such as a campaign token stay inside). Amounts are minor units as decimal strings.
 */
export function eventData(type: WebhookEventType, payload: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'referrer.registered':
      return { referrerId: payload.referrerId };
    case 'lead.won':
      return { leadId: payload.leadId, memberId: payload.memberId, wonValue: { amount: payload.wonValue, currency: payload.currency } };
    default:
      return { ...payload };
  }
}

/** The exact bytes sent (and signed) for an event: the same on every attempt. */
export function eventBody(e: { id: string; type: string; api_version: string; created_at: Date | string; data: unknown }): string {
  return JSON.stringify({ id: e.id, type: e.type, apiVersion: e.api_version, createdAt: new Date(e.created_at).toISOString(), data: e.data });
}
