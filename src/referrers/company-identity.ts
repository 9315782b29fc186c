/** Company identity as used against self-referral: the tax id and the corporate email domain. */

/** Free-mail domains say nothing about a company. */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'zoho.com',
  'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru', 'yandex.ru', 'ya.ru', 'yandex.com', 'rambler.ru', 'lenta.ru', 'autorambler.ru', 'myrambler.ru',
]);

export function emailDomain(email: string): string {
  return email.trim().toLowerCase().split('@').pop() ?? '';
}

/** The domain when it identifies a company, or null for free-mail addresses. */
export function corporateDomain(email: string): string | null {
  const domain = emailDomain(email);
  return domain && !FREE_MAIL_DOMAINS.has(domain) ? domain : null;
}

/** Tax ids are compared without spaces, dashes or dots, in capitals. */
export function normalizeTaxId(input: string): string {
  return input.trim().toUpperCase().replace(/[\s.\-/]/g, '');
}

/** 5–20 letters and digits, with at least one digit (Russian INN: 10 or 12 digits). */
export function isPlausibleTaxId(normalized: string): boolean {
  return /^[A-Z0-9]{5,20}$/.test(normalized) && /\d/.test(normalized);
}
