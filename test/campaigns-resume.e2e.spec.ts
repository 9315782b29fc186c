import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { Role } from '../src/access/role';
import { CampaignSender } from '../src/campaigns/campaign-sender';
import { createAudience, createCampaign, csvOf } from './support/campaign-fixtures';
import { staffToken } from './support/fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

const RECIPIENTS = 400;
const RATE = '100';
let t: TestApp;
let sink: SmtpSink;
let child: ChildProcess | undefined;

function startWorker(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(__dirname, 'support', 'campaign-worker.js')], {
    env: { ...process.env, WORKER_DATABASE_URL: t.databaseUrl, SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: RATE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(proc));
    proc.on('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startTestApp('campaigns_resume', { env: { JOBS_ENABLED: 'false', SMTP_URL: sink.url, MAIL_RATE_PER_SECOND: RATE } });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await t.close();
  await sink.stop();
});

describe('a sending process killed mid-campaign', () => {
  it('resumes after restart: every recipient sent, duplicates bounded by the in-flight window', async () => {
    const token = await staffToken(t, Role.Marketer);
    const rows: [string, string, string][] = Array.from({ length: RECIPIENTS }, (_, i) => [`r${i}@crash.example`, `R ${i}`, 'Crash Co']);
    const { id } = await createAudience(t, token, 'crash', csvOf(rows));
    const c = await createCampaign(t, token, id);
    await request(t.url).post(`/api/campaigns/${c.id}/schedule`).set('authorization', `Bearer ${token}`).send({}).expect(200);

    child = await startWorker();
    await sink.waitFor(120, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = sink.count;
    assert.ok(atKill < RECIPIENTS, `the campaign should still be running at the kill (got ${atKill})`);
    const [mid] = await t.db.query(`SELECT status FROM campaigns WHERE id = $1`, [c.id]);
    assert.equal(mid.status, 'sending');

    child = await startWorker();
    await until(async () => (await t.db.query(`SELECT status FROM campaigns WHERE id = $1`, [c.id]))[0].status === 'sent', 90_000, 'the campaign to finish');
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    const perRecipient = new Map<string, number>();
    for (const m of sink.received) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    for (const [email] of rows) assert.ok((perRecipient.get(email) ?? 0) >= 1, `${email} was never sent`);
    const duplicates = sink.count - RECIPIENTS;
    const window = t.app.get(CampaignSender).inFlightWindow;
    process.stdout.write(`# kill at ${atKill} messages; duplicates=${duplicates}; in-flight window=${window}\n`);
    assert.ok(duplicates >= 0 && duplicates <= window, `duplicates ${duplicates} exceed the in-flight window ${window}`);
    const statuses = await t.db.query(`SELECT status, count(*)::int AS n FROM campaign_sends WHERE campaign_id = $1 GROUP BY status`, [c.id]);
    assert.deepEqual(statuses, [{ status: 'sent', n: RECIPIENTS }]);
    const progress = (await request(t.url).get(`/api/campaigns/${c.id}`).set('authorization', `Bearer ${token}`).expect(200)).body.progress;
    assert.equal(progress.sent, RECIPIENTS);
    assert.equal(progress.remaining, 0);
  });
});
