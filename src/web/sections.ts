import { Role } from '../access/role';
import type { MessageKey } from '../i18n/messages';

/** One entry of the top bar. */
export interface Section {
  href: string;
  label: MessageKey;
}

/**
 * The one map of what each role sees: its home (where it lands after logging in; the first
 * section) and the sections of its top bar. Anonymous visitors get ANONYMOUS_SECTIONS.
 */
export const ROLE_SECTIONS: Record<Role, Section[]> = {
  [Role.Referrer]: [
    { href: '/cabinet', label: 'nav.cabinet' },
    { href: '/cabinet/earnings', label: 'nav.earnings' },
    { href: '/cabinet/payout-details', label: 'nav.payoutDetails' },
  ],
  [Role.Supplier]: [{ href: '/supplier', label: 'nav.supplier' }],
  [Role.Partner]: [
    { href: '/exchange', label: 'nav.exchange' },
    { href: '/exchange/statement', label: 'nav.exchangeStatement' as MessageKey },
    { href: '/exchange/payout-details', label: 'nav.payoutDetails' },
  ],
  [Role.Finance]: [
    { href: '/finance', label: 'nav.financeHome' },
    { href: '/finance/payouts', label: 'nav.payouts' },
    { href: '/finance/adjustments', label: 'nav.adjustments' },
    { href: '/finance/audit', label: 'nav.audit' },
    { href: '/finance/reconciliation', label: 'nav.reconciliation' },
  ],
  [Role.Marketer]: [
    { href: '/console/campaigns', label: 'nav.campaigns' },
    { href: '/console/audiences', label: 'nav.audiences' },
    { href: '/console/suppressions', label: 'nav.suppressions' as MessageKey },
  ],
  // The admin's overview first (its home); audiences, exchange analytics, offer, Stripe events,
  // integrations, outbox and referral links are linked from the overview's "Manage" card.
  [Role.Admin]: [
    { href: '/admin', label: 'nav.adminHome' },
    { href: '/admin/settings', label: 'nav.adminProgram' },
    { href: '/admin/referrers', label: 'nav.adminReferrers' },
    { href: '/admin/staff', label: 'nav.staff' },
    { href: '/finance/payouts', label: 'nav.payouts' },
    { href: '/console/campaigns', label: 'nav.campaigns' },
    { href: '/exchange/admin', label: 'nav.exchange' },
  ],
};

export const ANONYMOUS_SECTIONS: Section[] = [
  { href: '/login', label: 'nav.login' },
  { href: '/register', label: 'nav.register' },
];

/** Where a role lands after logging in (its first section). */
export function homeOf(role: Role): string {
  return ROLE_SECTIONS[role]?.[0]?.href ?? '/';
}

/** The top bar entries for a visitor, with the current one marked. */
export function navFor(role: Role | undefined, path: string): { href: string; label: MessageKey; current: boolean }[] {
  const sections = role ? (ROLE_SECTIONS[role] ?? []) : ANONYMOUS_SECTIONS;
  // The longest matching prefix is the current section (/cabinet/earnings is not also /cabinet).
  const match = sections
    .filter((s) => path === s.href || path.startsWith(s.href + '/'))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return sections.map((s) => ({ ...s, current: s === match }));
}
