import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { APP_CONFIG, AppConfig } from '../config/config';
import { encryptDetails } from '../common/crypto/details-crypto';
import { WebhookErrorCode, WebhookException } from './outbound-webhooks.exception';
import { AttemptOutcome, secretAad, WebhookDeliveryService } from './webhook-delivery.service';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto, WebhookAttemptView, WebhookDeliveryPageView, WebhookDeliveryView, WebhookEndpointView, WebhookEndpointWithSecretView } from './webhook-endpoints.dto';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './webhook-events';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ENDPOINT_SQL = `SELECT e.id, e.url, e.description, e.event_types, e.enabled, e.disabled_reason, e.disabled_at, e.created_at,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')::int AS pending,
       (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed')::int AS failed,
       (SELECT max(d.delivered_at) FROM webhook_deliveries d WHERE d.endpoint_id = e.id) AS last_delivered_at
  FROM webhook_endpoints e`;

/** Admins' endpoints: register, change, turn off/on, rotate the secret, read the delivery log, redeliver. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly db: DataSource,
    private readonly sender: WebhookDeliveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(dto: CreateWebhookEndpointDto, actor: AuthUser): Promise<WebhookEndpointWithSecretView> {
    const url = this.checkUrl(dto.url);
    const types = checkTypes(dto.eventTypes);
    const secret = newSecret();
    const id = randomUUID();
    await this.db.query(`INSERT INTO webhook_endpoints (id, url, description, event_types, secret_encrypted, created_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      url,
      dto.description?.trim() || null,
      types,
      encryptDetails(this.config.payoutDetailsKey, secretAad(id), { secret }),
      actor.id,
    ]);
    return { ...(await this.get(id)), secret };
  }

  async list(): Promise<WebhookEndpointView[]> {
    const rows = await this.db.query(`${ENDPOINT_SQL} ORDER BY e.created_at, e.id`);
    return rows.map(endpointView);
  }

  async get(id: string): Promise<WebhookEndpointView> {
    if (!UUID.test(id)) throw notFound(id);
    const [row] = await this.db.query(`${ENDPOINT_SQL} WHERE e.id = $1`, [id]);
    if (!row) throw notFound(id);
    return endpointView(row);
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    const before = await this.get(id);
    const url = dto.url === undefined ? null : this.checkUrl(dto.url);
    const types = dto.eventTypes === undefined ? null : checkTypes(dto.eventTypes);
    await this.db.query(
      `UPDATE webhook_endpoints SET url = coalesce($2, url), event_types = coalesce($3, event_types),
              description = CASE WHEN $4::boolean THEN nullif(btrim($5), '') ELSE description END,
              enabled = coalesce($6, enabled),
              disabled_at = CASE WHEN $6 IS NULL THEN disabled_at WHEN $6 THEN NULL ELSE coalesce(disabled_at, now()) END,
              disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason WHEN $6 THEN NULL ELSE coalesce(disabled_reason, 'turned off by an admin') END,
              updated_at = now()
        WHERE id = $1`,
      [id, url, types, dto.description !== undefined, dto.description ?? null, dto.enabled ?? null],
    );
    if (dto.enabled === true && !before.enabled) this.sender.deliverSoon(id);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.db.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
  }

  /** A new signing secret, shown once; the old one stops at once. */
  async rotateSecret(id: string): Promise<WebhookEndpointWithSecretView> {
    await this.get(id);
    const secret = newSecret();
    await this.db.query(`UPDATE webhook_endpoints SET secret_encrypted = $2, updated_at = now() WHERE id = $1`, [id, encryptDetails(this.config.payoutDetailsKey, secretAad(id), { secret })]);
    return { ...(await this.get(id)), secret };
  }

  async deliveries(endpointId: string, opts: { status?: string; limit?: number; offset?: number } = {}): Promise<WebhookDeliveryPageView> {
    await this.get(endpointId);
    const status = opts.status && ['pending', 'delivered', 'failed'].includes(opts.status) ? opts.status : null;
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
    const rows = await this.db.query(
      `SELECT d.id::text AS id, d.event_id, ev.type, d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at, count(*) OVER ()::int AS total
         FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
        WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
        ORDER BY d.event_seq DESC LIMIT $3 OFFSET $4`,
      [endpointId, status, limit, Math.max(opts.offset ?? 0, 0)],
    );
    const attempts = await this.attemptsOf(rows.map((r: { id: string }) => r.id));
    return { items: rows.map((r: any) => deliveryView(r, attempts.get(r.id) ?? [])), total: rows[0]?.total ?? 0 };
  }

  async delivery(endpointId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const [r] = /^\d{1,18}$/.test(deliveryId)
      ? await this.db.query(
          `SELECT d.id::text AS id, d.event_id, ev.type, d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at
             FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE d.id = $1 AND d.endpoint_id = $2`,
          [deliveryId, endpointId],
        )
      : [];
    if (!r) throw new WebhookException(WebhookErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, `No delivery ${deliveryId} of this endpoint`);
    return deliveryView(r, (await this.attemptsOf([r.id])).get(r.id) ?? []);
  }

  /** Sends a delivery again now (whatever its state); a success settles it. */
  async redeliver(endpointId: string, deliveryId: string): Promise<AttemptOutcome & { delivery: WebhookDeliveryView }> {
    await this.delivery(endpointId, deliveryId);
    const outcome = await this.sender.redeliver(endpointId, deliveryId);
    if (!outcome) throw new WebhookException(WebhookErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, `No delivery ${deliveryId} of this endpoint`);
    return { ...outcome, delivery: await this.delivery(endpointId, deliveryId) };
  }

  private async attemptsOf(deliveryIds: string[]): Promise<Map<string, WebhookAttemptView[]>> {
    const out = new Map<string, WebhookAttemptView[]>();
    if (deliveryIds.length === 0) return out;
    const rows = await this.db.query(
      `SELECT id::text AS id, delivery_id::text AS delivery_id, manual, started_at, request_body, response_status, response_ms, response_body, error
         FROM webhook_attempts a WHERE a.delivery_id = ANY($1::bigint[]) ORDER BY a.id`,
      [deliveryIds],
    );
    for (const r of rows) {
      const list = out.get(r.delivery_id) ?? [];
      list.push({ id: r.id, manual: r.manual, startedAt: r.started_at, requestBody: r.request_body, responseStatus: r.response_status, responseMs: r.response_ms, responseBody: r.response_body, error: r.error });
      out.set(r.delivery_id, list);
    }
    return out;
  }

  /** https anywhere; plain http only to this machine and only outside production. */
  private checkUrl(raw: string): string {
    let u: URL;
    try {
      u = new URL(String(raw ?? '').trim());
    } catch {
      throw new WebhookException(WebhookErrorCode.WEBHOOK_URL_INVALID, 'The URL is not a valid address', { field: 'url', reason: 'malformed' });
    }
    if (u.username || u.password) throw new WebhookException(WebhookErrorCode.WEBHOOK_URL_INVALID, 'The URL must not carry a user name or password', { field: 'url', reason: 'credentials' });
    if (u.protocol === 'https:') return u.toString();
    if (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname) && this.config.env !== 'production') return u.toString();
    throw new WebhookException(WebhookErrorCode.WEBHOOK_URL_INVALID, 'The URL must start with https:// (plain http only to localhost, outside production)', { field: 'url', reason: 'scheme' });
  }
}

function checkTypes(types: unknown): string[] {
  const list = Array.isArray(types) ? [...new Set(types)] : [];
  if (list.length === 0 || !list.every(isWebhookEventType)) {
    throw new WebhookException(WebhookErrorCode.WEBHOOK_EVENT_TYPES_INVALID, `Choose event types from: ${WEBHOOK_EVENT_TYPES.join(', ')}`, { field: 'eventTypes' });
  }
  return WEBHOOK_EVENT_TYPES.filter((t) => list.includes(t));
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('hex')}`;
}

function notFound(id: string): WebhookException {
  return new WebhookException(WebhookErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND, `No webhook endpoint ${id}`);
}

function endpointView(r: any): WebhookEndpointView {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: r.event_types,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    disabledAt: r.disabled_at,
    pending: r.pending,
    failed: r.failed,
    lastDeliveredAt: r.last_delivered_at,
    createdAt: r.created_at,
  };
}

function deliveryView(r: any, attemptLog: WebhookAttemptView[]): WebhookDeliveryView {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    attemptLog,
  };
}
