import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

/** Everything the app reads from the environment, validated once at boot. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Undefined means: start the embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  publicBaseUrl: string;
  jwtSecret: string;
  /** Absolute life of a session (and of its token), seconds. */
  jwtTtlSeconds: number;
  /** A session unused this long ends (each request renews it), seconds. */
  sessionIdleSeconds: number;
  /** Failed sign-ins allowed per account, and per client address, in one window of loginWindowSeconds. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowSeconds: number;
  cookieSecure: boolean;
  /** required: finance and admin sign in with a second factor and approve payouts with a fresh code (production default); optional: anyone may turn it on. */
  staffTwoFactor: 'required' | 'optional';
  /** required: a self-registered referrer is paid only after confirming the email address. */
  payoutEmailVerification: 'required' | 'optional';
  logLevel: string;
  /** pretty: short readable lines (development default); json: one JSON object a line (production default). */
  logFormat: 'pretty' | 'json';
  /**
   * Express's `trust proxy`: which proxies may tell the client address (X-Forwarded-For). false
   * (default): none, the socket's peer is the client; true: any; a number: that many hops; or a list
   * of addresses, subnets and names (loopback, linklocal, uniquelocal).
   */
  trustProxy: boolean | number | string[];
  /** Largest audience CSV accepted, in bytes (AUDIENCE_IMPORT_MAX_MB). */
  audienceImportMaxBytes: number;
  promoCheckLimitPerMinute: number;
  /** Work background queues in this process (false: only enqueue). */
  jobsEnabled: boolean;
  stripe: {
    /** Secret API key (sk_...). Unset: billing calls fail with STRIPE_NOT_CONFIGURED. */
    secretKey?: string;
    /** Signing secret of the webhook endpoint (whsec_...). */
    webhookSecret?: string;
    /** Price suppliers subscribe to (price_...). */
    priceId?: string;
    /** Where the API lives; tests point it at a local fake. Default https://api.stripe.com */
    apiBase: URL;
  };
  mail: {
    /** smtp://user:pass@host:port; unset: every message is kept in the built-in outbox (/admin/outbox), none is sent. */
    smtpUrl?: string;
    from: string;
    /** Campaign sending rate limit, messages per second per instance. */
    ratePerSecond: number;
  };
  /**
   * Bearer token /metrics asks for. METRICS_TOKEN (32+ characters); unset in development it is
   * generated into DATA_DIR (metricsTokenFile says where); unset in production /metrics is closed.
   */
  metricsToken?: string;
  metricsTokenFile?: string;
  /** Secret for signing tracking and campaign-registration tokens. */
  trackingSecret: string;
  /** 32-byte key (hex or base64) encrypting payout bank details at rest. */
  payoutDetailsKey: Buffer;
  /** Outbound webhooks: request timeout, first retry delay (doubling), and how long to keep retrying. */
  webhooks: { timeoutMs: number; retryBaseSeconds: number; retryWindowSeconds: number };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

const TEST_SECRETS: Record<string, string> = {};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolVar(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function urlVar(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected e.g. ${protocols[0]}//user:pass@host:5432/db)`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  if (name === 'DATABASE_URL' && (!parsed.hostname || parsed.pathname.length < 2)) {
    throw new ConfigError(`${name} must name a host and a database, e.g. postgres://user:pass@localhost:5432/handshake`);
  }
  return raw;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxyVar(env: NodeJS.ProcessEnv): AppConfig['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || ['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return intVar(env, 'TRUST_PROXY', 0, 1, 100);
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of list) {
    const [addr, bits, ...rest] = item.split('/');
    const ok = PROXY_NAMES.includes(item) || (isIP(addr) !== 0 && rest.length === 0 && (bits === undefined || /^\d{1,3}$/.test(bits)));
    if (!ok) throw new ConfigError(`TRUST_PROXY must be true, false, a hop count or a list of addresses/subnets (e.g. loopback,10.0.0.0/8), got "${item}"`);
  }
  return list;
}

/**
 * A secret that development may leave unset: one is generated once and kept in the data directory
 * (so sessions survive restarts). Production refuses to start without an explicit one.
 */
function secretVar(env: NodeJS.ProcessEnv, name: string, appEnv: AppConfig['env'], dataDir: string): string {
  const raw = env[name];
  if (raw) {
    if (raw.length < 32) throw new ConfigError(`${name} must be at least 32 characters long`);
    return raw;
  }
  if (appEnv === 'production') throw new ConfigError(`${name} is required when NODE_ENV=production`);
  // One per process and name: several app instances in one test process must agree (passport's
  // strategies are process-wide, so the last instance's JWT secret would win).
  if (appEnv === 'test') return (TEST_SECRETS[name] ??= randomBytes(32).toString('hex'));
  const file = join(dataDir, name.toLowerCase().replace(/_/g, '-'));
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** A 32-byte key given as 64 hex characters or base64. */
function keyVar(env: NodeJS.ProcessEnv, name: string, appEnv: AppConfig['env'], dataDir: string): Buffer {
  const raw = env[name] ? env[name]! : secretVar({}, name, appEnv, dataDir);
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes: 64 hex characters or base64`);
  return key;
}

/** Whether payouts wait for the payee's confirmed email address (PAYOUT_EMAIL_VERIFICATION=required): the one reading of that setting. */
export function payoutsNeedConfirmedEmail(config: Pick<AppConfig, 'payoutEmailVerification'>): boolean {
  return config.payoutEmailVerification === 'required';
}

function payoutEmailVerificationVar(env: NodeJS.ProcessEnv, appEnv: AppConfig['env']): AppConfig['payoutEmailVerification'] {
  const raw = env.PAYOUT_EMAIL_VERIFICATION || (appEnv === 'production' ? 'required' : 'optional');
  if (raw !== 'required' && raw !== 'optional') throw new ConfigError(`PAYOUT_EMAIL_VERIFICATION must be required or optional, got "${raw}"`);
  return raw;
}

function twoFactorVar(env: NodeJS.ProcessEnv, appEnv: AppConfig['env']): AppConfig['staffTwoFactor'] {
  const raw = env.STAFF_TWO_FACTOR || (appEnv === 'production' ? 'required' : 'optional');
  if (raw !== 'required' && raw !== 'optional') throw new ConfigError(`STAFF_TWO_FACTOR must be required or optional, got "${raw}"`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const appEnv = nodeEnv as AppConfig['env'];
  const port = intVar(env, 'PORT', 3000, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || '.data');
  const logLevel = env.LOG_LEVEL || (appEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = env.LOG_FORMAT || (appEnv === 'production' ? 'json' : 'pretty');
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError(`LOG_FORMAT must be pretty or json, got "${logFormat}"`);
  const publicBaseUrl = (urlVar(env, 'PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    env: appEnv,
    port,
    databaseUrl: urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    embeddedPgPort: intVar(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    publicBaseUrl,
    jwtSecret: secretVar(env, 'JWT_SECRET', appEnv, dataDir),
    jwtTtlSeconds: intVar(env, 'JWT_TTL_SECONDS', 7 * 24 * 3600, 60, 90 * 24 * 3600),
    sessionIdleSeconds: intVar(env, 'SESSION_IDLE_SECONDS', 12 * 3600, 60, 90 * 24 * 3600),
    loginMaxFailuresPerAccount: intVar(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 100000),
    loginMaxFailuresPerAddress: intVar(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 50, 1, 100000),
    loginWindowSeconds: intVar(env, 'LOGIN_WINDOW_SECONDS', 15 * 60, 1, 24 * 3600),
    cookieSecure: boolVar(env, 'COOKIE_SECURE', true),
    staffTwoFactor: twoFactorVar(env, appEnv),
    payoutEmailVerification: payoutEmailVerificationVar(env, appEnv),
    logLevel,
    logFormat,
    trustProxy: trustProxyVar(env),
    audienceImportMaxBytes: intVar(env, 'AUDIENCE_IMPORT_MAX_MB', 50, 1, 100_000) * 1024 * 1024,
    promoCheckLimitPerMinute: intVar(env, 'PROMO_CHECK_LIMIT_PER_MINUTE', 30, 1, 100000),
    jobsEnabled: boolVar(env, 'JOBS_ENABLED', true),
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY || undefined,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
      priceId: env.STRIPE_PRICE_ID || undefined,
      apiBase: new URL(urlVar(env, 'STRIPE_API_BASE', ['http:', 'https:']) ?? 'https://api.stripe.com'),
    },
    mail: {
      smtpUrl: urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      from: env.MAIL_FROM || 'Handshake <no-reply@handshake.local>',
      ratePerSecond: intVar(env, 'MAIL_RATE_PER_SECOND', 50, 1, 100000),
    },
    trackingSecret: secretVar(env, 'TRACKING_SECRET', appEnv, dataDir),
    metricsToken: env.METRICS_TOKEN || appEnv !== 'production' ? secretVar(env, 'METRICS_TOKEN', appEnv, dataDir) : undefined,
    metricsTokenFile: !env.METRICS_TOKEN && appEnv === 'development' ? join(dataDir, 'metrics-token') : undefined,
    payoutDetailsKey: keyVar(env, 'PAYOUT_DETAILS_KEY', appEnv, dataDir),
    webhooks: {
      timeoutMs: intVar(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      retryBaseSeconds: intVar(env, 'WEBHOOK_RETRY_BASE_SECONDS', 30, 1, 3600),
      retryWindowSeconds: intVar(env, 'WEBHOOK_RETRY_WINDOW_SECONDS', 3 * 24 * 3600, 1, 30 * 24 * 3600),
    },
  };
}
