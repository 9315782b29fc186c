import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CSRF_COOKIE, CSRF_FIELD, sign } from '../../src/web/csrf';
import { TestApp } from './test-app';

/**
 * A form POST the way a browser sends one from our own pages: the Origin header, the CSRF seed
 * cookie and the matching `_csrf` field (what `{{> csrf}}` renders). `cookie` adds the session
 * (or any other) cookie, e.g. 'hs_session=…'. Further `.send({...})` calls merge with the token.
 */
export function formPost(t: TestApp, path: string, cookie?: string): request.Test {
  const seed = randomBytes(24).toString('base64url');
  return request(t.url)
    .post(path)
    .set('origin', t.url)
    .set('cookie', [cookie, `${CSRF_COOKIE}=${seed}`].filter(Boolean).join('; '))
    .type('form')
    .send({ [CSRF_FIELD]: sign(t.config.jwtSecret, seed) });
}
