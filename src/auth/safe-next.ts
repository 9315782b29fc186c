import { homeOf } from '../web/sections';
import { Role } from '../access/role';

/** Only same-site relative paths are followed after login (never an open redirect). */
export function safeNext(next: unknown, role: Role): string {
  if (typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next)) return next;
  return homeOf(role);
}
