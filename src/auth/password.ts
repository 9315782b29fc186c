import * as argon2 from 'argon2';
import pLimit from 'p-limit';
import { AuthErrorCode, AuthException } from './auth.exception';

const COMMON = new Set(['password', 'password1', 'password123', 'qwerty123', '1234567890', 'letmein123', 'welcome123', 'qwertyuiop', 'administrator']);

/** Why a password is too weak, or null when it is acceptable. */
export function passwordWeakness(password: string, email?: string): string | null {
  if (password.length < 10) return 'The password must have at least 10 characters';
  if (password.length > 200) return 'The password must have at most 200 characters';
  if (!/[A-Za-zА-Яа-яЁё]/.test(password) || !/\d/.test(password)) return 'The password must have both letters and digits';
  if (COMMON.has(password.toLowerCase())) return 'The password is too common';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) return 'The password must not contain the name part of the email address';
  return null;
}

export function assertStrongPassword(password: string, email?: string): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new AuthException(AuthErrorCode.WEAK_PASSWORD, weakness, { field: 'password' });
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
