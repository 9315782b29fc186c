import request from 'supertest';
import { TestApp } from './test-app';

export const BODY = `<h1>Hello {{firstName}},</h1>
<p>People at {{company}} trust you. <a href="https://handshake.example/about?x=1&y=2">Read about the program</a>.</p>
{{> button url=registrationLink label="Become a referrer"}}
{{> signature}}`;

export async function createAudience(t: TestApp, token: string, name: string, csv: string): Promise<{ id: string; report: Record<string, any> }> {
  const a = await request(t.url).post('/api/audiences').set('authorization', `Bearer ${token}`).send({ name }).expect(201);
  const report = await request(t.url).post(`/api/audiences/${a.body.id}/imports`).set('authorization', `Bearer ${token}`).set('content-type', 'text/csv').send(csv).expect(201);
  return { id: a.body.id, report: report.body };
}

export async function createCampaign(t: TestApp, token: string, audienceId: string, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await request(t.url)
    .post('/api/campaigns')
    .set('authorization', `Bearer ${token}`)
    .send({ name: 'November buyers', audienceId, subject: '{{firstName}}, earn with your suppliers', body: BODY, ...overrides })
    .expect(201);
  return res.body;
}

export function csvOf(rows: [string, string, string][], extraHeader = ''): string {
  return `email,name,company${extraHeader}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
}
