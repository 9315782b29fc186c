import * as argon2 from 'argon2';
import pLimit from 'p-limit';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import { AuthErrorCode, AuthException } from './auth.exception';

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn score (0–4) a password must reach, and the least log10 of guesses once separators are removed. */
const MIN_SCORE = 3;
const MIN_GUESSES_LOG10_WITHOUT_SEPARATORS = 10;

/** Example passwords published so widely that they are in every cracking list. */
const PUBLISHED = ['correcthorsebatterystaple', 'correcthorsebattery', 'correcthorse', 'horsebatterystaple', 'trustno1', 'troubadour', 'tr0ub4dor'];

// The common-password and English dictionaries ship inside the packages: nothing is fetched.
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary, published: PUBLISHED },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: zxcvbnEn.translations,
});

export type PasswordWeakness = 'too_short' | 'too_long' | 'too_guessable' | 'not_a_string';

/** Words of the account's own data (email parts, names) a password must not lean on. */
function personalWords(email: string | undefined, extra: string[]): string[] {
  const words = [email ?? '', ...extra].flatMap((x) => [x, ...x.toLowerCase().split(/[^\p{L}\p{N}]+/u)]);
  return [...new Set(words.filter((w) => w.length >= 3))];
}

/** Why a password is too weak, or null when it is acceptable. */
export function passwordWeakness(password: unknown, email?: string, extraInputs: string[] = []): PasswordWeakness | null {
  if (typeof password !== 'string') return 'not_a_string';
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (password.length > 200) return 'too_long';
  const inputs = personalWords(email, extraInputs);
  const full = zxcvbn.check(password, inputs);
  if (full.score < MIN_SCORE) return 'too_guessable';
  // "correct-horse-42" and "Anna-Petrova-2024" hide known words behind separators.
  const bare = password.replace(/[^\p{L}\p{N}]+/gu, '');
  const stripped = bare === password ? full : zxcvbn.check(bare, inputs);
  if (stripped.score < MIN_SCORE || stripped.guessesLog10 < MIN_GUESSES_LOG10_WITHOUT_SEPARATORS) return 'too_guessable';
  return null;
}

const WEAKNESS_TEXT: Record<PasswordWeakness, string> = {
  not_a_string: 'The password must be a string',
  too_short: `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: 'The password must have at most 200 characters',
  too_guessable: 'The password is too common or too easy to guess: use several unrelated words, not your name or email',
};

/** WEAK_PASSWORD (400) with details.reason when the password is too weak. */
export function assertStrongPassword(password: unknown, email?: string, extraInputs: string[] = []): void {
  const weakness = passwordWeakness(password, email, extraInputs);
  if (weakness) throw new AuthException(AuthErrorCode.WEAK_PASSWORD, WEAKNESS_TEXT[weakness], { field: 'password', reason: weakness, minLength: MIN_PASSWORD_LENGTH });
}

/**
 * At most this many argon2 computations at once per process: a burst of sign-in attempts waits its
 * turn instead of every login (and the event loop's thread pool) slowing down together.
 */
const ARGON2_CONCURRENCY = 3;
const hashing = pLimit(ARGON2_CONCURRENCY);

export const hashPassword = (password: string) => hashing(() => argon2.hash(password, { type: argon2.argon2id }));
export const verifyPassword = (hash: string, password: string) => hashing(() => argon2.verify(hash, password).catch(() => false));
/** How many argon2 computations run or wait right now (for tests and metrics). */
export const hashingLoad = () => ({ active: hashing.activeCount, pending: hashing.pendingCount });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
