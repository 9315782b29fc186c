import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';

/**
 * Shape checks for bank details entered by a referrer. Two shapes are accepted:
 *  - Russian: a 9-digit BIC (starts 04) and a 20-digit account whose control key matches the BIC
 *    (the Central Bank's rule, checked here: no library knows it);
 *  - international: a SWIFT/BIC and an IBAN, both checked by ibantools (the IBAN's country, its
 *    length and BBAN format for that country, mod-97; the BIC's shape and country code).
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
  } else if (isValidBIC(details.bankIdentifier)) {
    if (!ibanValid(details.accountNumber)) {
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

/** An IBAN in electronic format (no spaces, capitals) that ibantools accepts for its country. */
export function ibanValid(iban: string): boolean {
  const electronic = electronicFormatIBAN(iban);
  return electronic !== null && electronic === iban && isValidIBAN(electronic);
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
