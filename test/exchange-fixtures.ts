import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../src/access/role';
import { PASSWORD, staffToken, uniqueEmail } from './support/fixtures';
import { TestApp } from './support/test-app';

/** Helpers shared by the lead-exchange tests. */
export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
export const suffix = () => randomBytes(3).toString('hex');

export async function adminToken(t: TestApp): Promise<string> {
  return staffToken(t, Role.Admin);
}

export async function addTags(t: TestApp, admin: string, slugs: string[]): Promise<void> {
  for (const slug of slugs) await request(t.url).post('/api/exchange/tags').set(auth(admin)).send({ slug, label: slug.toUpperCase() }).expect(201);
}

export interface Member {
  id: string;
  token: string;
  email: string;
  company: string;
}

export interface MemberOptions {
  company?: string;
  threshold?: string;
  tags?: string[];
  regions?: string[];
  capacity?: number;
  admit?: boolean;
}

/** A company that applied, was admitted and declared its profile. */
export async function member(t: TestApp, admin: string, o: MemberOptions = {}): Promise<Member> {
  const email = uniqueEmail('partner', 'partner.example');
  const company = o.company ?? `Partner ${suffix()}`;
  const rules = (await request(t.url).get('/api/exchange/rules').expect(200)).body;
  const res = await request(t.url)
    .post('/api/exchange/applications')
    .send({ email, password: PASSWORD, companyName: company, contactName: 'Olga Smirnova', acceptedRulesVersion: rules.version })
    .expect(201);
  const m: Member = { id: res.body.member.id, token: res.body.accessToken, email, company };
  if (o.admit === false) return m;
  await request(t.url).post(`/api/exchange/members/${m.id}/admit`).set(auth(admin)).expect(200);
  await request(t.url)
    .put('/api/exchange/members/me/profile')
    .set(auth(m.token))
    .send({ threshold: o.threshold ?? '0', tags: o.tags ?? [], regions: o.regions ?? [], weeklyCapacity: o.capacity ?? 10 })
    .expect(200);
  return m;
}

/** Scores 4·5·4·5 = 400 with the default rules: sales-ready. */
export function leadBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    companyName: `Customer ${suffix()}`,
    contactName: 'Pavel Orlov',
    contactEmail: 'pavel@customer.example',
    tags: [],
    needsText: 'A portal for wholesale orders',
    budget: '300000000',
    authority: 'decision_maker',
    need: 'high',
    timelineDays: 20,
    ...over,
  };
}

export async function submitLead(t: TestApp, token: string, over: Record<string, unknown> = {}, status = 201): Promise<any> {
  const res = await request(t.url).post('/api/exchange/leads').set(auth(token)).send(leadBody(over)).expect(status);
  return res.body;
}

export async function count(t: TestApp, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  return Number((await t.db.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);
}
