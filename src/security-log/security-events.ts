/** What the security log records (the one list; the page's filter and words come from it). */
export const SECURITY_EVENT_KINDS = [
  'sign_in',
  'sign_in_failed',
  'locked_out',
  'two_factor_failed',
  'password_changed',
  'password_reset',
  'two_factor_enabled',
  'two_factor_disabled',
  'recovery_code_used',
  'role_changed',
  'account_disabled',
  'account_enabled',
  'staff_invited',
] as const;

export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export function isSecurityEventKind(v: unknown): v is SecurityEventKind {
  return typeof v === 'string' && (SECURITY_EVENT_KINDS as readonly string[]).includes(v);
}

/** One fact for the log: whose account (or the address typed), who did it when not the owner, from where. */
export interface SecurityEventInput {
  kind: SecurityEventKind;
  userId?: string | null;
  email?: string | null;
  actorId?: string | null;
  ip?: string | null;
  /** A few plain values (e.g. { from: 'finance', to: 'admin' } for a role change); never secrets. */
  detail?: Record<string, string>;
}
