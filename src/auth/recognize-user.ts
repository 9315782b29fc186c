import type { Request, Response } from 'express';
import passport from 'passport';
import type { AuthUser } from '../access/access.decorators';

/**
 * The signed-in user of a request that no route's guard looked at (an address that matches no route
 * answers 404 before any guard runs): the same JWT strategy the guard uses, so the error page shows
 * the visitor's own top bar. Undefined when there is no valid session.
 */
export function recognizeUser(req: Request): Promise<AuthUser | undefined> {
  return new Promise((resolve) => {
    const done = (_err: unknown, user: AuthUser | false | undefined) => resolve(user || undefined);
    try {
      passport.authenticate('jwt', { session: false }, done)(req, {} as Response, () => resolve(undefined));
    } catch {
      resolve(undefined);
    }
  });
}
