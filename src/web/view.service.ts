import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import type { Request, Response } from 'express';
import { DEFAULT_TIME_ZONE } from '../money/money-format';
import { registerFormatHelpers } from './format-helpers';
import { DataSource } from 'typeorm';
import type { Role } from '../access/role';
import { APP_CONFIG, AppConfig } from '../config/config';
import { csrfToken } from './csrf';
import { Locale, pickLocale, translate } from '../i18n/messages';
import { homeOf, navFor } from './sections';

export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export const TEMPLATES_DIR = join(projectRoot(), 'templates');

export const DEFAULT_BRAND = 'Handshake';
const BRAND_TTL_MS = 15_000;

export interface PageContext {
  title?: string;
  user?: { email: string; role: string };
  [key: string]: unknown;
}

/** Server-rendered Handlebars pages: templates/views inside templates/layouts/main, with partials. */
@Injectable()
export class ViewService implements OnModuleInit {
  private readonly hbs = Handlebars.create();
  private readonly views = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly logger = new Logger('Views');
  private brandName = DEFAULT_BRAND;
  /** The program's time zone, as ProgramService decides it (UTC until it registers). */
  private programTimeZone: () => string = () => DEFAULT_TIME_ZONE;
  private brandLoadedAt = 0;

  constructor(
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
    @Optional() private readonly db?: DataSource,
  ) {
    const partials = join(TEMPLATES_DIR, 'partials');
    for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
      this.hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
    }
    this.hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      return translate(options.data.root.locale as Locale, key, options.hash);
    });
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    registerFormatHelpers(this.hbs); // money, rate, ratio, bp, count, date, plural, errorMessage
    this.hbs.registerHelper('json', (v: unknown) => new Handlebars.SafeString(JSON.stringify(v).replace(/</g, '\\u003c')));
    this.layout = this.hbs.compile(readFileSync(join(TEMPLATES_DIR, 'layouts', 'main.hbs'), 'utf8'));
    const viewsDir = join(TEMPLATES_DIR, 'views');
    for (const file of readdirSync(viewsDir).filter((f) => f.endsWith('.hbs'))) {
      this.views.set(basename(file, '.hbs'), this.hbs.compile(readFileSync(join(viewsDir, file), 'utf8')));
    }
  }

  async onModuleInit(): Promise<void> {
    await this.refreshBrand();
  }

  /** The program's name, when program settings carry one (an admin setting); "Handshake" otherwise. */
  brand(): string {
    if (Date.now() - this.brandLoadedAt > BRAND_TTL_MS) void this.refreshBrand();
    return this.brandName;
  }

  async refreshBrand(): Promise<void> {
    this.brandLoadedAt = Date.now();
    if (!this.db) return;
    try {
      const [row] = (await this.db.query('SELECT * FROM program_settings WHERE id = 1')) as Record<string, unknown>[];
      const name = [row?.program_name, row?.brand_name, row?.name].find((v) => typeof v === 'string' && v.trim() !== '') as string | undefined;
      this.brandName = name?.trim() ?? DEFAULT_BRAND;
    } catch (err) {
      this.logger.warn({ err }, 'could not read the program name');
    }
  }

  /** ProgramService registers where the zone comes from (the `date` helper's default on every page). */
  useProgramTimeZone(source: () => string): void {
    this.programTimeZone = source;
  }

  /** The program's time zone for a page that counts days or months (the one `date` shows them in). */
  timeZone(): string {
    return this.programTimeZone();
  }

  locale(req: Request, res?: Response): Locale {
    const locale = pickLocale(req.query?.lang, req.cookies?.lang, req.headers['accept-language']);
    if (res && req.query?.lang === locale) res.cookie('lang', locale, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 * 1000 });
    return locale;
  }

  render(name: string, req: Request, res: Response, ctx: PageContext, status = 200): void {
    const view = this.views.get(name);
    if (!view) throw new Error(`No view ${name}`);
    const locale = this.locale(req, res);
    const user = ctx.user ?? (req as { user?: PageContext['user'] }).user;
    const role = user?.role as Role | undefined;
    const data = {
      timeZone: this.programTimeZone(),
      ...ctx,
      locale,
      otherLocale: locale === 'en' ? 'ru' : 'en',
      path: req.path,
      user,
      brand: this.brand(),
      home: role ? homeOf(role) : '/',
      nav: navFor(role, req.path),
      langHref: langHref(req, locale === 'en' ? 'ru' : 'en'),
      csrfToken: this.config ? csrfToken(req, res, { secret: this.config.jwtSecret, cookieSecure: this.config.cookieSecure }) : '',
    };
    const body = view(data);
    res.status(status).type('html').send(this.layout({ ...data, body: new Handlebars.SafeString(body) }));
  }

  /** A translated string for server-side messages (flash notes, errors). */
  t(req: Request, key: string, params: Record<string, unknown> = {}): string {
    return translate(this.locale(req), key, params);
  }
}

/** The current address with ?lang= switched (other query parameters kept). */
function langHref(req: Request, lang: Locale): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (k !== 'lang' && typeof v === 'string') params.set(k, v);
  params.set('lang', lang);
  return `${req.path}?${params.toString()}`;
}
