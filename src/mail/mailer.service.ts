import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter, TransportOptions } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MailKind, OutboxRepository } from './outbox.repository';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** What the message is, for the outbox's list (default "other"). */
  kind?: MailKind;
  /** Ids of what the message is about (campaignId, sendId, payoutItemId…), kept with an outbox copy. */
  related?: Record<string, string>;
}

/** Where a message went: handed to the SMTP server, or kept in the built-in outbox (no SMTP_URL). */
export type MailDelivery = 'smtp' | 'outbox';

export interface SentMail {
  messageId: string;
  delivery: MailDelivery;
  /** The outbox row, when delivery is "outbox". */
  outboxId?: string;
}

/** How an SMTP failure should be handled: retry later (4xx, connection trouble) or give up (5xx). */
export type MailFailureKind = 'temporary' | 'permanent';

export class MailSendError extends Error {
  constructor(
    message: string,
    readonly kind: MailFailureKind,
    readonly responseCode?: number,
  ) {
    super(message);
  }
}

/** Classifies a nodemailer error: a 5xx reply is permanent, everything else (4xx, network) temporary. */
export function classifySmtpError(err: unknown): MailSendError {
  const e = err as { responseCode?: number; response?: string; message?: string; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = (e.response ?? e.message ?? String(err)).slice(0, 500);
  if (code !== undefined && code >= 500 && code < 600) return new MailSendError(text, 'permanent', code);
  return new MailSendError(text, 'temporary', code);
}

/**
 * The one way the app sends mail: pooled SMTP connections to config.mail.smtpUrl. Without an SMTP
 * URL every message is kept, complete, in the built-in outbox (table mail_outbox, admin page
 * /admin/outbox), so nothing is sent by accident and every email can still be read. With SMTP no
 * copy is kept (a campaign at volume would store each message twice for no reader).
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private transport?: Transporter;
  readonly maxConnections = 5;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.mail.smtpUrl);
  }

  /** Where the next message will go. */
  get delivery(): MailDelivery {
    return this.configured ? 'smtp' : 'outbox';
  }

  private transporter(): Transporter {
    this.transport ??= nodemailer.createTransport({
      url: this.config.mail.smtpUrl,
      pool: true,
      maxConnections: this.maxConnections,
      maxMessages: Infinity,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      tls: { rejectUnauthorized: this.config.env === 'production' },
    } as TransportOptions);
    return this.transport;
  }

  /** Sends one message; throws MailSendError saying whether a retry can help. */
  async send(mail: OutgoingMail): Promise<SentMail> {
    if (!this.configured) return this.keep(mail);
    try {
      const info = await this.transporter().sendMail({ from: this.config.mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers: mail.headers });
      return { messageId: info.messageId, delivery: 'smtp' };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  /** The whole message, as it would have gone out, into the outbox. */
  private async keep(mail: OutgoingMail): Promise<SentMail> {
    const from = this.config.mail.from;
    const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'handshake.local';
    const messageId = `<${randomUUID()}@${domain}>`;
    const headers: Record<string, string> = {
      From: from,
      To: mail.to,
      Subject: mail.subject,
      Date: new Date().toUTCString(),
      'Message-ID': messageId,
      'MIME-Version': '1.0',
      'Content-Type': 'multipart/alternative',
      ...(mail.headers ?? {}),
    };
    const outboxId = await this.outbox
      .insert({
      kind: mail.kind ?? 'other',
      to: mail.to,
      from,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers,
      related: mail.related ?? {},
      messageId,
    })
      .catch((err: Error) => {
        // The database will likely be back: like an SMTP 4xx, worth a retry.
        throw new MailSendError(`outbox: ${err.message}`.slice(0, 500), 'temporary');
      });
    return { messageId, delivery: 'outbox', outboxId };
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
