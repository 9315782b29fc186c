import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { withRussianControlKey } from '../payout-details/bank-details';
import { buildPain001, majorUnits, Pain001Input } from './bank-export.service';

// The official ISO 20022 schema (see test/fixtures/iso20022/README.md for where it comes from).
const XSD = readFileSync(join(__dirname, '../../../test/fixtures/iso20022/pain.001.001.03.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'file.xml', contents: xml }], schema: [{ fileName: 'pain.001.001.03.xsd', contents: XSD }] });
  return r.errors.map((e) => e.message);
}

const RU_BIC = '044525225';
const payer = { accountHolder: 'Handshake LLC', bankIdentifier: RU_BIC, accountNumber: withRussianControlKey(RU_BIC, '40702810X00000000001') };
const input = (over: Partial<Pain001Input> = {}): Pain001Input => ({
  messageId: '0b6f5c1e-8d1b-4a57-9f53-1c2d3e4f5a6b',
  createdAt: new Date('2026-12-01T10:20:30.456Z'),
  currency: 'RUB',
  debtor: payer,
  transfers: [
    { id: '11111111-2222-4333-8444-555555555555', amount: 230_050n, creditor: { accountHolder: 'Anna Petrova', bankIdentifier: RU_BIC, accountNumber: withRussianControlKey(RU_BIC, '40817810X00001234567') } },
    { id: '66666666-7777-4888-8999-000000000000', amount: 100_001n, creditor: { accountHolder: 'Müller & Söhne "Alfa" <GmbH>', bankIdentifier: 'DEUTDEFFXXX', accountNumber: 'DE89370400440532013000' } },
  ],
  ...over,
});

describe('pain.001.001.03 payment file', () => {
  it('is valid against the ISO 20022 schema: Russian and IBAN creditors, escaped names', async () => {
    const xml = buildPain001(input());
    assert.deepEqual(await schemaErrors(xml), []);
    assert.match(xml, /<NbOfTxs>2<\/NbOfTxs>/);
    assert.match(xml, /<CtrlSum>3300\.51<\/CtrlSum>/);
    assert.match(xml, /<InstdAmt Ccy="RUB">2300\.50<\/InstdAmt>/);
    assert.match(xml, /<Nm>Müller &amp; Söhne "Alfa" &lt;GmbH&gt;<\/Nm>/);
    assert.match(xml, /<IBAN>DE89370400440532013000<\/IBAN>/);
    assert.match(xml, /<ClrSysMmbId>\s*<ClrSysId>\s*<Cd>RUCBC<\/Cd>\s*<\/ClrSysId>\s*<MmbId>044525225<\/MmbId>/);
    assert.match(xml, /<CreDtTm>2026-12-01T10:20:30<\/CreDtTm>/);
  });

  it('takes the currency it is given and writes its minor digits', async () => {
    const yen = buildPain001(input({ currency: 'JPY', transfers: [{ ...input().transfers[1], amount: 5000n }] }));
    assert.deepEqual(await schemaErrors(yen), []);
    assert.match(yen, /<InstdAmt Ccy="JPY">5000<\/InstdAmt>/);
    const eur = buildPain001(input({ currency: 'EUR' }));
    assert.match(eur, /<InstdAmt Ccy="EUR">1000\.01<\/InstdAmt>/);
    assert.doesNotMatch(eur, /RUB/);
  });

  it('has no file for an empty batch, a bad currency or a non-positive amount', () => {
    assert.throws(() => buildPain001(input({ transfers: [] })), /at least one transfer/);
    assert.throws(() => buildPain001(input({ currency: '' })), /ISO 4217/);
    assert.throws(() => buildPain001(input({ transfers: [{ ...input().transfers[0], amount: 0n }] })), /non-positive/);
  });

  it('the schema catches what the old template let through', async () => {
    // What the template string wrote for an empty batch: no transaction, so not a pain.001 file.
    const empty = buildPain001(input()).replace(/<CdtTrfTxInf>[\s\S]*<\/CdtTrfTxInf>/, '');
    assert.ok((await schemaErrors(empty)).length > 0);
  });

  it('major units are exact, negative amounts included', () => {
    assert.equal(majorUnits(-6667n, 'RUB'), '-66.67');
    assert.equal(majorUnits(5n, 'RUB'), '0.05');
    assert.equal(majorUnits(123n, 'JPY'), '123');
  });
});
