import { signLink, verifyLink } from './signed-link';

/** How long an emailed "confirm your address" link works. */
export const EMAIL_VERIFICATION_LIFE_DAYS = 7;
const PURPOSE = 'verify-email';

/** The token of a "confirm your address" link: the account and the address it was sent to. */
export function signEmailVerification(secret: string, userId: string, email: string, now = new Date()): string {
  return signLink(secret, PURPOSE, [userId, email], new Date(now.getTime() + EMAIL_VERIFICATION_LIFE_DAYS * 86_400_000));
}

/** The account and address a link confirms, when the token is this server's and still valid. */
export function verifyEmailVerification(secret: string, token: unknown): { userId: string; email: string } | undefined {
  const fields = verifyLink(secret, PURPOSE, token);
  if (!fields || fields.length !== 2 || !/^[0-9a-f-]{36}$/i.test(fields[0])) return undefined;
  return { userId: fields[0], email: fields[1] };
}
