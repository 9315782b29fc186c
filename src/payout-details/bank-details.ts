/**
 * Shape checks for bank details entered by a referrer. Two shapes are accepted:
 *  - Russian: a 9-digit BIC (starts 04) and a 20-digit account whose control key matches the BIC;
 *  - international: a SWIFT/BIC (8 or 11 characters) and an IBAN whose mod-97 check passes.
 * Only shape: whether the account exists is for the bank to say.
 */
export interface BankDetails {
  accountHolder: string;
  bankIdentifier: string;
  accountNumber: string;
}

export type BankDetailsProblem = { field: keyof BankDetails; problem: string };

const HOLDER = /^[\p{L}\p{N} .,'"&()«»-]{2,140}$/u;
const RU_BIC = /^04\d{7}$/;
const SWIFT = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** Trims and upper-cases, drops spaces inside numbers; returns the problems, or none. */
export function normalizeBankDetails(input: BankDetails): { details: BankDetails; problems: BankDetailsProblem[] } {
  const details: BankDetails = {
    accountHolder: input.accountHolder.trim().replace(/\s+/g, ' '),
    bankIdentifier: input.bankIdentifier.replace(/\s+/g, '').toUpperCase(),
    accountNumber: input.accountNumber.replace(/[\s-]+/g, '').toUpperCase(),
  };
  const problems: BankDetailsProblem[] = [];
  if (!HOLDER.test(details.accountHolder) || !/\p{L}/u.test(details.accountHolder)) {
    problems.push({ field: 'accountHolder', problem: 'account holder must be 2–140 letters, digits, spaces or .,\'"&()-' });
  }
  if (RU_BIC.test(details.bankIdentifier)) {
    if (!/^\d{20}$/.test(details.accountNumber)) problems.push({ field: 'accountNumber', problem: 'a Russian account number has 20 digits' });
    else if (!russianAccountKeyValid(details.bankIdentifier, details.accountNumber)) {
      problems.push({ field: 'accountNumber', problem: 'the account number does not match the BIC (control key check failed)' });
    }
  } else if (SWIFT.test(details.bankIdentifier)) {
    if (!IBAN.test(details.accountNumber) || !ibanValid(details.accountNumber)) {
      problems.push({ field: 'accountNumber', problem: 'with a SWIFT code the account must be a valid IBAN' });
    }
  } else {
    problems.push({ field: 'bankIdentifier', problem: 'bank identifier must be a 9-digit Russian BIC (04…) or an 8/11-character SWIFT code' });
  }
  return { details, problems };
}

/** Central Bank of Russia control key: last 3 BIC digits + account, weights 7-1-3, sum ≡ 0 (mod 10). */
export function russianAccountKeyValid(bic: string, account: string): boolean {
  const digits = bic.slice(-3) + account;
  const weights = [7, 1, 3];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (Number(digits[i]) * weights[i % 3]) % 10;
  return sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters → numbers, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const chunk = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of chunk) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** The account number as shown back: only its last four characters. */
export function last4(accountNumber: string): string {
  return accountNumber.slice(-4);
}

/** Fills the control key (9th digit, written X) of a 20-digit account so it matches the BIC. */
export function withRussianControlKey(bic: string, accountWithX: string): string {
  for (let k = 0; k <= 9; k++) {
    const account = accountWithX.replace('X', String(k));
    if (russianAccountKeyValid(bic, account)) return account;
  }
  throw new Error('no control key fits');
}
