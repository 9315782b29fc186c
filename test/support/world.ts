import { signEmailVerification } from '../../src/common/crypto/email-verification-link';
import { MailerService } from '../../src/mail/mailer.service';
import request from 'supertest';
import { Role } from '../../src/access/role';
import { addTags, adminToken, member, submitLead } from '../exchange-fixtures';
import { createAudience, createCampaign, csvOf } from './campaign-fixtures';
import { signUpSupplier } from './fake-stripe-billing';
import { bankReferrer, seedAvailable } from './fake-stripe-connect';
import { PASSWORD, registerReferrer, RegisteredReferrer, staffToken, uniqueEmail } from './fixtures';
import { TestApp } from './test-app';

/** One account of every role, and one thing of each kind their pages show. */
export interface World {
  referrer: RegisteredReferrer;
  /** A referrer with bank details and money available, paid in `batchId`. */
  paidReferrer: RegisteredReferrer;
  supplier: { token: string; email: string; id: string };
  partner: { token: string; email: string; id: string };
  admin: string;
  finance: string;
  marketer: string;
  audienceId: string;
  campaignId: string;
  contactId: string;
  batchId: string;
  leadId: string;
  /** A message kept in the outbox (no SMTP in tests). */
  outboxId: string;
  password: string;
  emails: Record<'admin' | 'finance' | 'marketer', string>;
  /** An outbound webhook endpoint (its delivery log has the referrer's registration). */
  webhookEndpointId: string;
  /** A valid "confirm your address" link token of `referrer`. */
  verifyEmailToken: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function buildWorld(t: TestApp): Promise<World> {
  const emails = { admin: uniqueEmail('admin', 'handshake.example'), finance: uniqueEmail('finance', 'handshake.example'), marketer: uniqueEmail('marketer', 'handshake.example') };
  const admin = await staffToken(t, Role.Admin, emails.admin);
  const finance = await staffToken(t, Role.Finance, emails.finance);
  const marketer = await staffToken(t, Role.Marketer, emails.marketer);
  const endpoint = await request(t.url)
    .post('/api/webhook-endpoints')
    .set(bearer(admin))
    .send({ url: 'https://erp.example.invalid/handshake/webhooks', eventTypes: ['referrer.registered', 'supplier.attributed', 'payout.paid'], description: 'ERP commissions import' })
    .expect(201);
  await request(t.url).post('/api/api-keys').set(bearer(admin)).send({ name: 'ERP nightly export', role: 'finance' }).expect(201);
  const referrer = await registerReferrer(t);
  const s = await signUpSupplier(t.url, { promoCode: referrer.code });
  const supplier = { token: s.token, email: s.email, id: s.id };

  // The exchange: an admitted partner with a lead in its inbox from another one.
  const exAdmin = await adminToken(t);
  await addTags(t, exAdmin, ['erp']);
  const receiver = await member(t, exAdmin, { tags: ['erp'] });
  const sender = await member(t, exAdmin);
  const lead = await submitLead(t, sender.token, { tags: ['erp'] });
  await request(t.url).post('/api/exchange/route').set(bearer(exAdmin));
  const partner = { token: receiver.token, email: receiver.email, id: receiver.id };

  const { id: audienceId } = await createAudience(t, marketer, 'Buyers', csvOf([['nina@shop.example', 'Nina Petrova', 'Shop One'], ['oleg@shop.example', 'Oleg Ivanov', 'Shop Two']]));
  const campaign = await createCampaign(t, marketer, audienceId);
  const [contact] = await t.db.query(`SELECT id FROM contacts WHERE audience_id = $1 ORDER BY email LIMIT 1`, [audienceId]);
  await request(t.url).post('/api/suppressions').set(bearer(marketer)).send({ email: 'gone@shop.example', reason: 'manual', detail: 'asked by phone' }).expect(201);

  const paidReferrer = await bankReferrer(t, 'Ivan Sidorov');
  await seedAvailable(t, paidReferrer.id, 500_000n);
  const batch = await request(t.url).post('/api/payouts/batches').set(bearer(finance)).send({}).expect(201);
  await request(t.url).post('/api/adjustments').set(bearer(finance)).send({ referrerId: referrer.id, amount: '15000', reason: 'Bonus for the first supplier' }).expect(201);

  // The endpoint's first attempt (to an unreachable host) is in its log; then it is turned off so
  // that no retry writes while a test compares the database.
  for (let i = 0; i < 100 && Number((await t.db.query(`SELECT count(*) AS n FROM webhook_attempts`))[0].n) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  await request(t.url).patch(`/api/webhook-endpoints/${endpoint.body.id}`).set(bearer(admin)).send({ enabled: false }).expect(200);

  const kept = await t.app.get(MailerService).send({ to: referrer.email, subject: 'Welcome to the program', html: '<p>Welcome</p>', text: 'Welcome', kind: 'other' });
  const [user] = await t.db.query(`SELECT id FROM users WHERE email = $1`, [referrer.email]);
  const verifyEmailToken = signEmailVerification(t.config.trackingSecret, user.id, referrer.email);
  return { verifyEmailToken, referrer, paidReferrer, supplier, partner, admin, finance, marketer, audienceId, campaignId: campaign.id, contactId: contact.id, batchId: batch.body.id, leadId: lead.id, outboxId: kept.outboxId!, password: PASSWORD, emails, webhookEndpointId: endpoint.body.id };
}
