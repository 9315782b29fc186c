import assert from 'node:assert/strict';
import request from 'supertest';
import { localizedDefaultText } from '../src/i18n/default-texts';
import { registerReferrer } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

/** A fresh install's offer and exchange rules read in the reader's language; an admin's own text as written. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('default_texts');
});
afterAll(() => t?.close());

it('shows the default offer and exchange rules in Russian on Russian pages, in English on English ones', async () => {
  const [offer] = await t.db.query(`SELECT text FROM offer_versions WHERE version = 1`);
  const [rules] = await t.db.query(`SELECT text FROM exchange_rules_versions WHERE version = 1`);
  assert.match(localizedDefaultText(offer.text, 'ru'), /^Партнёрская оферта Handshake, версия 1\./);
  assert.match(localizedDefaultText(rules.text, 'ru'), /^Правила обмена лидами Handshake, версия 1\./);
  assert.equal(localizedDefaultText(offer.text, 'en'), offer.text);

  const ru = await request(t.url).get('/register?lang=ru').expect(200);
  assert.match(ru.text, /Нельзя рекомендовать собственную компанию/);
  assert.doesNotMatch(ru.text, /You may not refer your own company/);
  const en = await request(t.url).get('/register?lang=en').expect(200);
  assert.match(en.text, /You may not refer your own company/);
  const join = await request(t.url).get('/exchange/join?lang=ru').expect(200);
  assert.match(join.text, /Без переманивания/);
  const r = await registerReferrer(t);
  const cabinet = await request(t.url).get('/cabinet?lang=ru').set('cookie', `hs_session=${r.token}`).expect(200);
  assert.match(cabinet.text, /Партнёрская оферта Handshake/);
});

it('an offer an admin wrote is shown as written, in every language', () => {
  assert.equal(localizedDefaultText('Наша оферта: 10 % с каждого платежа.', 'en'), 'Наша оферта: 10 % с каждого платежа.');
  assert.equal(localizedDefaultText('Our own offer.', 'ru'), 'Our own offer.');
});
