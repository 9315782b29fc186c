import { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  at: number;
}

/**
 * A real SMTP server in the test process that records every message it accepts. It can be told to
 * answer RCPT TO for given addresses with a 4xx (temporarily, a number of times) or a 5xx.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private readonly permanent = new Set<string>();
  private readonly temporary = new Map<string, number>();
  private server?: SMTPServer;
  port = 0;
  /** Don't keep message text (benchmarks at 100,000 messages). */
  countOnly = false;
  count = 0;
  /**
   * Called with each message before the sink answers its DATA (so the sender still waits); the
   * answer follows when the returned promise settles. Tests use it to act while a send is in flight.
   */
  beforeAccept?: (mail: ReceivedMail) => Promise<void>;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** 550 for this address, always. */
  reject(address: string): this {
    this.permanent.add(address.toLowerCase());
    return this;
  }

  /** 451 for this address, the next `times` attempts. */
  deferTimes(address: string, times: number): this {
    this.temporary.set(address.toLowerCase(), times);
    return this;
  }

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        const a = address.address.toLowerCase();
        if (this.permanent.has(a)) return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
        const left = this.temporary.get(a) ?? 0;
        if (left > 0) {
          this.temporary.set(a, left - 1);
          return callback(Object.assign(new Error('4.7.1 Try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => {
          if (!this.countOnly) chunks.push(c);
        });
        stream.on('end', () => {
          this.count++;
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const mail = { to, raw: this.countOnly ? '' : Buffer.concat(chunks).toString('utf8'), at: Date.now() };
          if (!this.countOnly) this.received.push(mail);
          if (!this.beforeAccept) return callback();
          this.beforeAccept(mail).then(() => callback(), (err: Error) => callback(err));
        });
      },
    });
    // A client killed mid-session (the kill-and-resume test) resets its socket: not our failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  parse(mail: ReceivedMail): Promise<ParsedMail> {
    return simpleParser(mail.raw);
  }

  async waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.count < count) {
      if (Date.now() > until) throw new Error(`SMTP sink: expected ${count} messages, got ${this.count}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Links of a received message: tracked clicks, the pixel, the unsubscribe URL. */
export function linksOf(html: string): { clicks: string[]; pixel?: string; unsubscribe?: string } {
  const clicks = [...html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((m) => m[1]);
  const pixel = /src="([^"]*\/t\/o\/[^"]+)"/.exec(html)?.[1];
  const unsubscribe = /href="([^"]*\/unsubscribe\/[^"]+)"/.exec(html)?.[1];
  return { clicks, pixel, unsubscribe };
}
