import type { OpenAPIObject } from '@nestjs/swagger';
import { SIGNATURE_HEADER } from './webhook-signature';
import { WEBHOOK_API_VERSION, WEBHOOK_EVENT_TYPES, WebhookEventType } from './webhook-events';

type Props = Record<string, { type: string; description: string; nullable?: boolean; format?: string; enum?: string[] } | { $ref: string; description: string }>;

const id = (what: string) => ({ type: 'string', format: 'uuid', description: what });
const minor = { type: 'string', description: 'Amount in minor units of the currency, as a decimal string (exact; never a float)' };
const currency = { type: 'string', description: 'ISO 4217 currency code' };
const commission = (amountWhat: string, causes: string[]): Props => ({
  commissionId: id('Commission (one per paid invoice)'),
  invoiceId: { type: 'string', description: 'Stripe invoice id the commission is earned on' },
  referrerId: id('Referrer credited'),
  supplierId: { type: 'string', format: 'uuid', nullable: true, description: 'Referred supplier who paid the invoice' },
  amount: { ...minor, description: `${amountWhat}, minor units as a decimal string` },
  currency,
  cause: { type: 'string', enum: causes, description: 'What moved the commission' },
  kind: { type: 'string', enum: ['bonus'], nullable: true, description: "'bonus' when this is the one-off bonus for the supplier's first payment (commissionId is then the bonus id); absent for a commission" },
});
const payout = (): Props => ({
  payoutItemId: id('Payout item (one referrer in one batch)'),
  batchId: id('Payout batch'),
  referrerId: id('Referrer paid'),
  amount: minor,
  currency,
  method: { type: 'string', enum: ['stripe_connect', 'bank'], description: 'How the money was sent' },
  transferId: { type: 'string', nullable: true, description: 'Stripe transfer id (Connect payouts that were paid)' },
  failureReason: { type: 'string', nullable: true, description: 'Why it failed (payout.failed)' },
});

/** The `data` of each event type. */
const DATA: Record<WebhookEventType, { summary: string; props: Props }> = {
  'referrer.registered': { summary: 'A buyer became a referrer', props: { referrerId: id('New referrer') } },
  'supplier.attributed': { summary: "A supplier signed up with a referrer's code", props: { supplierId: id('Supplier'), referrerId: id('Referrer whose code it used') } },
  'supplier.converted': { summary: "A referred supplier's first invoice was paid", props: { supplierId: id('Supplier'), referrerId: id('Referrer') } },
  'commission.earned': { summary: "An invoice's commission grew (a paid invoice; a failed refund restoring it; a correction)", props: commission('How much it grew', ['invoice_paid', 'refund', 'correction', 'first_payment']) },
  'commission.available': { summary: 'A hold ended: commission moved from pending to available', props: commission('How much became available', ['hold_ended']) },
  'commission.clawed_back': { summary: 'A commission shrank (refund, lost dispute, correction)', props: commission('How much was taken back (positive)', ['refund', 'dispute', 'correction']) },
  'payout.paid': { summary: 'A payout item was paid', props: payout() },
  'payout.failed': { summary: "A payout item failed; the money is back on the referrer's available balance", props: payout() },
  'lead.routed': {
    summary: 'A lead was offered to an exchange member',
    props: { leadId: id('Lead'), memberId: id('Member it is offered to'), assignmentId: id('The offer'), expiresAt: { type: 'string', format: 'date-time', description: 'When the offer lapses' } },
  },
  'lead.won': { summary: 'The receiving member won the deal', props: { leadId: id('Lead'), memberId: id('Receiving member'), wonValue: { $ref: '#/components/schemas/WebhookMoney', description: 'Value of the won deal' } } },
  'lead.lost': { summary: 'The receiving member lost the deal', props: { leadId: id('Lead'), memberId: id('Receiving member'), reason: { type: 'string', description: 'Why it was lost, in the member’s words' } } },
};

const schemaName = (type: string) => `WebhookEvent_${type.replace('.', '_')}`;

/**
 * Adds the outbound webhooks to the OpenAPI document: an event schema per type (envelope + data)
 * under components, and one entry per type in the `webhooks` section (OpenAPI 3.1), with the
 * signature header described.
 */
export function addWebhookDocs(doc: OpenAPIObject): void {
  const schemas = (doc.components ??= {}).schemas ??= {};
  schemas.WebhookMoney = {
    type: 'object',
    description: 'An amount of money',
    properties: { amount: { ...minor }, currency: { ...currency } },
    required: ['amount', 'currency'],
  };
  const webhooks: Record<string, unknown> = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    const { summary, props } = DATA[type];
    schemas[schemaName(type)] = {
      type: 'object',
      description: `${type}: ${summary}`,
      required: ['id', 'type', 'apiVersion', 'createdAt', 'data'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'Event id: the same on every retry and redelivery (deduplicate on it)' },
        type: { type: 'string', enum: [type], description: 'Event type' },
        apiVersion: { type: 'string', enum: [WEBHOOK_API_VERSION], description: 'Version of this payload' },
        createdAt: { type: 'string', format: 'date-time', description: 'When the fact was recorded' },
        data: { type: 'object', description: summary, properties: props, required: Object.keys(props).filter((k) => !('nullable' in props[k])) },
      },
    } as never;
    webhooks[type] = {
      post: {
        tags: ['webhooks'],
        summary,
        description:
          `Sent to every enabled endpoint subscribed to ${type}. Verify the ${SIGNATURE_HEADER} header on the raw body before parsing; ` +
          'answer 2xx within 10 s. Other answers are retried with exponential backoff for 3 days, in order per endpoint.',
        parameters: [
          { name: SIGNATURE_HEADER, in: 'header', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>', schema: { type: 'string' } },
          { name: 'Handshake-Event-Id', in: 'header', required: true, description: 'The event id (as in the body)', schema: { type: 'string' } },
          { name: 'Handshake-Event-Type', in: 'header', required: true, description: 'The event type (as in the body)', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(type)}` } } } },
        responses: { '200': { description: 'Received (any 2xx)' } },
        'x-roles': ['public'],
      },
    };
  }
  doc.webhooks = webhooks as NonNullable<OpenAPIObject["webhooks"]>;
  doc.openapi = '3.1.0';
  (doc.tags ??= []).push({
    name: 'webhooks',
    description:
      `Outbound webhooks (apiVersion ${WEBHOOK_API_VERSION}). Admins register endpoints at /api/webhook-endpoints; each event is a JSON envelope ` +
      `{id, type, apiVersion, createdAt, data} POSTed with the ${SIGNATURE_HEADER} header. Schemas: WebhookEvent_<type>. Delivery is at least once: deduplicate on id.`,
  });
}
