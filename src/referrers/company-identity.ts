import freeEmailDomains from 'free-email-domains';
import { getDomain } from 'tldts';

/**
 * Company identity as used against self-referral: the tax id and the corporate email domain.
 *
 * Two addresses belong to one company when their registrable domains (the part a company registers,
 * one label under a public suffix: `sales.buyer-co.ru` → `buyer-co.ru`, `shop.buyer-co.co.uk` →
 * `buyer-co.co.uk`) are equal. Free-mail and disposable providers are no company: two gmail users are
 * not colleagues. Both lists are maintained packages: the public suffix list (`tldts`) and
 * `free-email-domains` (its install script, which only refreshes the list over the network, is off;
 * the list ships in the package).
 */

const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(freeEmailDomains.map((d) => d.toLowerCase()));

export function emailDomain(email: string): string {
  return email.trim().toLowerCase().split('@').pop() ?? '';
}

/** The registrable domain of a host name (private suffixes such as github.io count as suffixes); the host itself when it has none. */
export function registrableDomain(domain: string): string {
  const host = domain.trim().toLowerCase().replace(/\.$/, '');
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/** Whether the domain (or the domain it sits under) is a free-mail or disposable provider. */
export function isFreeMailDomain(domain: string): boolean {
  const host = domain.trim().toLowerCase().replace(/\.$/, '');
  return FREE_MAIL_DOMAINS.has(host) || FREE_MAIL_DOMAINS.has(registrableDomain(host));
}

/** The company a mail domain identifies (its registrable domain), or null for free mail and empty input. */
export function companyOfDomain(domain: string): string | null {
  const host = domain.trim().toLowerCase();
  if (host === '' || isFreeMailDomain(host)) return null;
  return registrableDomain(host);
}

/** The company an email address identifies, or null for free-mail addresses. */
export function corporateDomain(email: string): string | null {
  return companyOfDomain(emailDomain(email));
}

/** Two mail domains name one company: same registrable domain, neither of them free mail. */
export function sameCompanyDomain(a: string, b: string): boolean {
  const ca = companyOfDomain(a);
  return ca !== null && ca === companyOfDomain(b);
}

/** Tax ids are compared without spaces, dashes or dots, in capitals. */
export function normalizeTaxId(input: string): string {
  return input.trim().toUpperCase().replace(/[\s.\-/]/g, '');
}

/** 5–20 letters and digits, with at least one digit (Russian INN: 10 or 12 digits). */
export function isPlausibleTaxId(normalized: string): boolean {
  return /^[A-Z0-9]{5,20}$/.test(normalized) && /\d/.test(normalized);
}

/** The self-referral rule: the same normalized tax id (when both have one), or the same company mail domain. */
export function isSameCompany(a: { taxId: string | null; emailDomain: string }, b: { taxId: string | null; emailDomain: string }): boolean {
  if (a.taxId && b.taxId && a.taxId === b.taxId) return true;
  return sameCompanyDomain(a.emailDomain, b.emailDomain);
}
