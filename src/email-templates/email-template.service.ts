import { Injectable, Optional } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import './email-templates.messages';
import { DEFAULT_PROGRAM_NAME, ProgramService } from '../program/program.service';
import { Locale, LOCALES, translate } from '../i18n/messages';
import { TEMPLATES_DIR } from '../web/view.service';
import { EmailTemplateErrorCode, EmailTemplateException } from './email-template.exception';
import { decodeEntities, htmlToText } from './html-to-text';

export const EMAILS_DIR = join(TEMPLATES_DIR, 'emails');

// Keep {{…}} untouched while juice inlines CSS into template sources.
(juice as unknown as { codeBlocks: Record<string, { start: string; end: string }> }).codeBlocks.HBS = { start: '{{', end: '}}' };

/** What a template may use about its recipient. */
export interface RecipientVars {
  email: string;
  name: string | null;
  company: string | null;
  attributes: Record<string, unknown>;
  /** The recipient's language; else attributes.lang / language / locale; else English. */
  locale?: Locale;
}

/** A product email (payout, notification): a file under templates/emails/messages, in the recipient's language. */
export interface TransactionalMessage {
  /** File name without .hbs under templates/emails/messages. */
  template: string;
  /** Catalog key of the subject; it gets the same variables as the body. */
  subjectKey: string;
  locale: Locale;
  vars: Record<string, unknown>;
  /** Unsubscribe-from-this-kind link for the footer, when the kind may be turned off. */
  unsubscribeLink?: string;
  /** The recipient's notification settings page, for the footer. */
  settingsLink?: string;
}

/** Per-message links, minted by the caller (campaign sender, preview, test send). */
export interface MessageLinks {
  registrationLink: string;
  unsubscribeLink: string;
  openPixelUrl?: string;
  /** Rewrites a link in the body into its tracked form. */
  trackClick?: (url: string) => string;
}

export interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate;
  body: Handlebars.TemplateDelegate;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export const SAMPLE_RECIPIENT: RecipientVars = { email: 'anna.petrova@retail.example', name: 'Anna Petrova', company: 'Retail Group', attributes: { city: 'Kazan' } };

/**
 * Campaign emails: Handlebars with the shared layout and partials under templates/emails. CSS from
 * templates/emails/style.css is inlined once, into the layout and partials at boot and into a
 * campaign body when it is compiled, so rendering a recipient's message is only a Handlebars call.
 */
@Injectable()
export class EmailTemplateService {
  private readonly hbs = Handlebars.create();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly css: string;
  private readonly messages = new Map<string, Handlebars.TemplateDelegate>();
  readonly partialNames: string[];

  constructor(@Optional() private readonly program?: ProgramService) {
    this.css = readFileSync(join(EMAILS_DIR, 'style.css'), 'utf8');
    const partialsDir = join(EMAILS_DIR, 'partials');
    this.partialNames = readdirSync(partialsDir)
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => basename(f, '.hbs'));
    for (const name of this.partialNames) this.hbs.registerPartial(name, this.inline(readFileSync(join(partialsDir, `${name}.hbs`), 'utf8')));
    this.hbs.registerHelper('default', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
    this.hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => translate((options.data.root.locale as Locale) ?? 'en', key, { brand: options.data.root.brand, ...options.hash }));
    this.layout = this.hbs.compile(juice(readFileSync(join(EMAILS_DIR, 'layout.hbs'), 'utf8'), { extraCss: this.css, removeStyleTags: false }));
    const messagesDir = join(EMAILS_DIR, 'messages');
    if (existsSync(messagesDir)) {
      for (const f of readdirSync(messagesDir).filter((x) => x.endsWith('.hbs'))) this.messages.set(basename(f, '.hbs'), this.hbs.compile(this.inline(readFileSync(join(messagesDir, f), 'utf8'))));
    }
  }

  /** The program's name for footers and signatures (an admin setting). */
  get brand(): string {
    return this.program?.programNameNow() ?? DEFAULT_PROGRAM_NAME;
  }

  /** Shared words of the layout, footer and signature in a language. */
  private common(locale: Locale, kind: 'campaign' | 'notification') {
    const brand = this.brand;
    return {
      brand,
      locale,
      strings: {
        footer: translate(locale, `mail.footer.${kind}`, { brand }),
        unsubscribe: translate(locale, kind === 'campaign' ? 'mail.footer.unsubscribe' : 'mail.footer.unsubscribeKind'),
        signature: translate(locale, 'mail.signature', { brand }),
        settings: translate(locale, 'mail.footer.settings'),
      },
    };
  }

  /** A product email in the shared layout: subject, HTML with inlined CSS, text part with the footer. */
  renderTransactional(m: TransactionalMessage): RenderedMessage {
    const body = this.messages.get(m.template);
    if (!body) throw new Error(`No email template ${m.template}`);
    const common = this.common(m.locale, 'notification');
    const vars = { ...m.vars, ...common, unsubscribeLink: m.unsubscribeLink, settingsLink: m.settingsLink };
    const subject = translate(m.locale, m.subjectKey, { brand: common.brand, ...m.vars }).replace(/[\r\n]+/g, ' ').trim();
    const bodyHtml = body(vars);
    const html = this.layout({ ...vars, subject, body: bodyHtml });
    const text = `${htmlToText(bodyHtml)}\n\n--\n${common.strings.footer}${m.unsubscribeLink ? `\n${common.strings.unsubscribe}: ${m.unsubscribeLink}` : ''}${m.settingsLink ? `\n${common.strings.settings}: ${m.settingsLink}` : ''}\n`;
    return { subject, html, text };
  }

  private inline(source: string): string {
    return juice.inlineContent(source, this.css, { applyStyleTags: false, removeStyleTags: false });
  }

  /**
   * Parses and compiles a campaign's subject and body. A syntax error is refused with its line, a
   * partial that does not exist is refused by name, and a sample render catches runtime errors
   * (e.g. a missing helper), so a saved campaign always renders.
   */
  compile(subject: string, body: string): CompiledTemplate {
    const parsedSubject = this.parse(subject, 'subject');
    const parsedBody = this.parse(body, 'body');
    for (const [field, ast] of [['subject', parsedSubject], ['body', parsedBody]] as const) {
      for (const p of partialsOf(ast)) {
        if (!this.partialNames.includes(p.name)) {
          throw new EmailTemplateException(EmailTemplateErrorCode.TEMPLATE_UNKNOWN_PARTIAL, `The ${field} uses partial "${p.name}" on line ${p.line}, which does not exist (known: ${this.partialNames.join(', ')})`, {
            field,
            partial: p.name,
            line: p.line,
            known: this.partialNames,
          });
        }
      }
    }
    const compiled: CompiledTemplate = {
      subject: this.hbs.compile(subject, { noEscape: true }),
      body: this.hbs.compile(this.inline(body)),
    };
    try {
      this.render(compiled, SAMPLE_RECIPIENT, { registrationLink: 'https://example.invalid/register', unsubscribeLink: 'https://example.invalid/unsubscribe' });
    } catch (err) {
      throw new EmailTemplateException(EmailTemplateErrorCode.TEMPLATE_RENDER_FAILED, `The template does not render: ${(err as Error).message}`, { field: 'body' });
    }
    return compiled;
  }

  private parse(source: string, field: 'subject' | 'body'): hbs.AST.Program {
    try {
      return Handlebars.parse(source);
    } catch (err) {
      const message = (err as Error).message;
      const line = Number(/line (\d+)/.exec(message)?.[1] ?? (err as { lineNumber?: number }).lineNumber ?? 1);
      throw new EmailTemplateException(EmailTemplateErrorCode.TEMPLATE_SYNTAX_ERROR, `The ${field} does not compile (line ${line}): ${message.split('\n').slice(-1)[0]}`, {
        field,
        line,
        parser: message,
      });
    }
  }

  render(t: CompiledTemplate, r: RecipientVars, links: MessageLinks): RenderedMessage {
    const common = this.common(r.locale ?? localeOf(r.attributes), 'campaign');
    const vars = {
      ...common,
      email: r.email,
      name: r.name ?? '',
      firstName: (r.name ?? '').trim().split(/\s+/)[0] ?? '',
      company: r.company ?? '',
      attributes: r.attributes ?? {},
      registrationLink: links.registrationLink,
      unsubscribeLink: links.unsubscribeLink,
    };
    const subject = t.subject(vars).replace(/[\r\n]+/g, ' ').trim();
    let body = t.body(vars);
    if (links.trackClick) body = rewriteLinks(body, links.trackClick);
    const pixel = links.openPixelUrl ? `<img src="${links.openPixelUrl}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;">` : '';
    const html = this.layout({ ...vars, subject, body: body + pixel });
    const text = `${htmlToText(body)}\n\n--\n${common.strings.footer}\n${common.strings.unsubscribe}: ${links.unsubscribeLink}\n`;
    return { subject, html, text };
  }
}

/** A contact's language from its imported attributes (lang, language or locale: "ru", "ru-RU", "en"…). */
export function localeOf(attributes: Record<string, unknown> | undefined): Locale {
  for (const key of ['lang', 'language', 'locale']) {
    const v = attributes?.[key];
    if (typeof v === 'string') {
      const l = v.trim().slice(0, 2).toLowerCase() as Locale;
      if (LOCALES.includes(l)) return l;
    }
  }
  return 'en';
}

/** Every http(s) href in the body, through the click tracker. */
function rewriteLinks(html: string, track: (url: string) => string): string {
  return html.replace(/href="(https?:\/\/[^"]+)"/gi, (_, href: string) => `href="${track(decodeEntities(href))}"`);
}

function partialsOf(node: unknown, found: { name: string; line: number }[] = []): { name: string; line: number }[] {
  if (!node || typeof node !== 'object') return found;
  const n = node as { type?: string; name?: { original?: unknown; type?: string }; loc?: { start: { line: number } } };
  if ((n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') && n.name) {
    if (n.name.type === 'PathExpression' || n.name.type === 'StringLiteral') found.push({ name: String(n.name.original), line: n.loc?.start.line ?? 1 });
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    if (Array.isArray(value)) value.forEach((v) => partialsOf(v, found));
    else if (value && typeof value === 'object') partialsOf(value, found);
  }
  return found;
}
