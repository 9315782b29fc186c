import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../../src/access/role';
import { StaffService } from '../../src/auth/staff.service';
import { TestApp } from './test-app';

/** A password every test account uses: long and hard to guess (the app refuses weak ones). */
export const PASSWORD = 'Quiet-Lantern-Orbit-57';

export function uniqueEmail(prefix = 'user', domain = 'retail.example'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@${domain}`;
}

export interface RegisteredReferrer {
  token: string;
  id: string;
  email: string;
  code: string;
  body: Record<string, any>;
}

export async function registerReferrer(t: TestApp, overrides: Record<string, unknown> = {}): Promise<RegisteredReferrer> {
  const email = (overrides.email as string) ?? uniqueEmail('buyer');
  const res = await request(t.url)
    .post('/api/referrers')
    .send({ email, password: PASSWORD, fullName: 'Anna Petrova', companyName: 'Retail Group', acceptedOfferVersion: 1, ...overrides })
    .expect(201);
  return { token: res.body.accessToken, id: res.body.referrer.id, email, code: res.body.referrer.promoCode.code, body: res.body };
}

/** A staff account and its bearer token. */
export async function staffToken(t: TestApp, role: Role, email = uniqueEmail(role, 'handshake.example')): Promise<string> {
  await t.app.get(StaffService).create(email, PASSWORD, role);
  const res = await request(t.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
  return res.body.accessToken;
}
