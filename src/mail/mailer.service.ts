import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter, TransportOptions } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../config/config';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** True when SMTP is not configured and the message only went to the log. */
  loggedOnly: boolean;
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
 * URL (development) messages are written to the log instead, so nothing is sent by accident.
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private transport?: Transporter;
  readonly maxConnections = 5;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return Boolean(this.config.mail.smtpUrl);
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
    if (!this.configured) {
      this.logger.log({ to: mail.to, subject: mail.subject }, 'SMTP_URL unset: mail logged, not sent');
      return { messageId: `<logged-${Date.now()}@handshake.local>`, loggedOnly: true };
    }
    try {
      const info = await this.transporter().sendMail({ from: this.config.mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers: mail.headers });
      return { messageId: info.messageId, loggedOnly: false };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
