/** A small HTTP client for the seed: it drives the app through its public API, as a user's program would. */
export class DemoClient {
  constructor(readonly base: string) {}

  async call<T = any>(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string; expect?: number[] } = {}): Promise<T> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const ok = o.expect ? o.expect.includes(res.status) : res.status < 400;
    if (!ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    if (res.status >= 300 && res.status < 400) return { location: res.headers.get('location') } as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') && text ? JSON.parse(text) : text) as T;
  }
}
