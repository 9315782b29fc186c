import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalogEntries, translate } from '../i18n/messages';
import { pluralCategory } from '../money/money-format';

/** Loads every feature catalog (src/**\/*.messages.ts, compiled) so the check covers all of them. */
function loadAllCatalogs(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...loadAllCatalogs(path));
    else if (name.endsWith('.messages.js')) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads every compiled catalog file found on disk
      require(path);
      found.push(path);
    }
  }
  return found;
}

describe('message catalogs', () => {
  const files = loadAllCatalogs(join(__dirname, '..'));
  const en = catalogEntries('en');
  const ru = catalogEntries('ru');

  it('loads the feature catalogs', () => assert.ok(files.length >= 10, `found ${files.length} catalogs`));
  it('has every English key in Russian', () => assert.deepEqual(Object.keys(en).filter((k) => !(k in ru)), []));
  it('has every Russian key in English', () => assert.deepEqual(Object.keys(ru).filter((k) => !(k in en)), []));
  it('has no empty text', () => {
    assert.deepEqual(Object.entries(en).filter(([, v]) => v.trim() === '').map(([k]) => k), []);
    assert.deepEqual(Object.entries(ru).filter(([, v]) => v.trim() === '').map(([k]) => k), []);
  });
  it('uses the same placeholders in both languages', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.deepEqual(Object.keys(en).filter((k) => params(en[k]) !== params(ru[k])), []);
  });
  it('translates Russian text that is not a copy of the English one (names and codes aside)', () => {
    const same = Object.keys(en).filter((k) => en[k] === ru[k] && /[a-z]{4,}/.test(en[k].replace(/\{\w+\}|Stripe|Handshake|CSV|JSON|API|email|Connect|BIC/g, '')));
    assert.deepEqual(same, []);
  });
  it('has every plural form a locale needs for each counted noun (plural.*)', () => {
    const pluralKeys = new Set(Object.keys(en).filter((k) => k.startsWith('plural.')).map((k) => k.replace(/\.(one|few|many|other)$/, '')));
    const missing: string[] = [];
    for (const base of pluralKeys) {
      for (const form of ['one', 'other']) if (!(`${base}.${form}` in en)) missing.push(`en ${base}.${form}`);
      for (const form of ['one', 'few', 'many', 'other']) if (!(`${base}.${form}` in ru)) missing.push(`ru ${base}.${form}`);
    }
    assert.deepEqual(missing, []);
  });
  it('says "1 строка", "2 строки", "5 строк"', () => {
    const say = (n: number) => translate('ru', `plural.lines.${pluralCategory('ru', n)}`, { n });
    assert.deepEqual([1, 2, 5, 21].map(say), ['1 строка', '2 строки', '5 строк', '21 строка']);
    assert.equal(translate('en', `plural.lines.${pluralCategory('en', 2)}`, { n: 2 }), '2 lines');
  });
});
