import { Role } from '../access/role';
import type { MailKind } from './outbox.repository';

/**
 * Every email notification the product sends: who it is for (the role whose settings page lists
 * it), whether a person may turn it off, what the outbox files it as, and how often at most.
 * The one list of "who gets which notification"; NotificationService applies it.
 */
export const NOTIFICATION_SPECS = {
  // The link that confirms a self-registered referrer's address: sent when the person asks for it (the cabinet's banner).
  'referrer.verify_email': { role: Role.Referrer, required: true, throttleMinutes: 2 },
  'referrer.supplier_signed_up': { role: Role.Referrer },
  'referrer.supplier_converted': { role: Role.Referrer },
  'referrer.commission_available': { role: Role.Referrer },
  'referrer.payout_sent': { role: Role.Referrer, mailKind: 'payout' },
  // The money came back and needs the person's action (payout details): not optional.
  'referrer.payout_failed': { role: Role.Referrer, mailKind: 'payout', required: true },
  'referrer.balance_negative': { role: Role.Referrer },
  'partner.lead_offered': { role: Role.Partner },
  'partner.lead_reminder': { role: Role.Partner },
  'partner.lead_outcome': { role: Role.Partner },
  // The company's referral fees were paid out (or came back): the same facts as a referrer's payout mails.
  'partner.payout_sent': { role: Role.Partner, mailKind: 'payout' },
  'partner.payout_failed': { role: Role.Partner, mailKind: 'payout', required: true },
  'finance.batch_awaits_approval': { role: Role.Finance },
  'finance.execution_failed': { role: Role.Finance },
  'admin.webhook_failing': { role: Role.Admin, throttleMinutes: 60 },
  // An outbound webhook endpoint was turned off: integrations stop hearing of facts until an admin acts.
  'admin.webhook_endpoint_disabled': { role: Role.Admin, required: true },
} as const satisfies Record<string, NotificationSpec>;

export interface NotificationSpec {
  role: Role;
  required?: boolean;
  mailKind?: MailKind;
  /** At most one mail of this kind per person in this many minutes (later facts are dropped). */
  throttleMinutes?: number;
}

export type NotificationKind = keyof typeof NOTIFICATION_SPECS;
export const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_SPECS) as NotificationKind[];

export function specOf(kind: NotificationKind): NotificationSpec {
  return NOTIFICATION_SPECS[kind];
}

/** The kinds a role's settings page lists. */
export function kindsOfRole(role: Role): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((k) => specOf(k).role === role);
}

export function isNotificationKind(kind: unknown): kind is NotificationKind {
  return typeof kind === 'string' && (NOTIFICATION_KINDS as string[]).includes(kind);
}

/** Who a notification is for: a person, the person behind a referrer or exchange member, or a staff role. */
export type Recipient = { userId: string } | { referrerId: string } | { memberId: string } | { role: Role.Finance | Role.Admin; except?: string | null };
