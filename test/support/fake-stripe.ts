import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import qs from 'qs';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** Form body decoded the way Stripe encodes it (bracket notation). */
  body: Record<string, any>;
  idempotencyKey?: string;
  stripeAccount?: string;
  match: RegExpMatchArray;
}

export interface FakeResponse {
  status?: number;
  body: unknown;
}

type Handler = (req: FakeRequest, fake: FakeStripe) => FakeResponse | Promise<FakeResponse>;

/**
 * A small local stand-in for the Stripe endpoints we call. The real `stripe` client is pointed at
 * it (STRIPE_API_BASE). It records every request so tests assert what was sent, stores objects by
 * id, and honours Idempotency-Key like Stripe does (same key → same response). Features register
 * the endpoints they use with route(); see e.g. fake-stripe-billing.ts.
 */
export class FakeStripe {
  readonly requests: Omit<FakeRequest, 'match'>[] = [];
  readonly objects = new Map<string, Record<string, any>>();
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private readonly idempotent = new Map<string, FakeResponse>();
  private server?: Server;
  apiBase = '';

  route(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  id(prefix: string): string {
    return `${prefix}_${randomBytes(10).toString('hex')}`;
  }

  save<T extends Record<string, any>>(obj: T): T {
    this.objects.set(obj.id, obj);
    return obj;
  }

  /** A Stripe-shaped error response. */
  static error(status: number, message: string, type = 'invalid_request_error', code?: string): FakeResponse {
    return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
  }

  requestsTo(method: string, path: RegExp): Omit<FakeRequest, 'match'>[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiBase = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = Buffer.concat(chunks).toString('utf8');
    const request = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: qs.parse(url.search.slice(1)),
      body: qs.parse(raw) as Record<string, any>,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      stripeAccount: req.headers['stripe-account'] as string | undefined,
    };
    this.requests.push(request);
    const cacheKey = request.idempotencyKey ? `${request.method} ${request.path} ${request.idempotencyKey}` : undefined;
    let response = cacheKey ? this.idempotent.get(cacheKey) : undefined;
    if (!response) {
      const route = this.routes.find((r) => r.method === request.method && r.pattern.test(request.path));
      if (!route) response = FakeStripe.error(404, `Unrecognized request URL (${request.method}: ${request.path})`);
      else {
        try {
          response = await route.handler({ ...request, match: request.path.match(route.pattern)! }, this);
        } catch (err) {
          response = FakeStripe.error(500, (err as Error).message, 'api_error');
        }
      }
      if (cacheKey && (response.status ?? 200) < 500) this.idempotent.set(cacheKey, response);
    }
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json', 'request-id': this.id('req') });
    res.end(JSON.stringify(response.body));
  }
}
