import assert from 'node:assert/strict';
import { ibanValid, normalizeBankDetails, withRussianControlKey as validRussianAccount } from './bank-details';

describe('bank details shape', () => {
  it('accepts a Russian BIC with a matching 20-digit account, normalizing spaces', () => {
    const account = validRussianAccount('044525225', '40702810X00000012345');
    const { details, problems } = normalizeBankDetails({ accountHolder: '  Anna  Petrova ', bankIdentifier: '044525225', accountNumber: account.replace(/(\d{5})/g, '$1 ') });
    assert.deepEqual(problems, []);
    assert.equal(details.accountNumber, account);
    assert.equal(details.accountHolder, 'Anna Petrova');
  });

  it('refuses an account whose control key does not match', () => {
    const account = validRussianAccount('044525225', '40702810X00000012345');
    const wrong = account.slice(0, 8) + String((Number(account[8]) + 1) % 10) + account.slice(9);
    const { problems } = normalizeBankDetails({ accountHolder: 'Anna', bankIdentifier: '044525225', accountNumber: wrong });
    assert.equal(problems[0].field, 'accountNumber');
  });

  it('accepts a SWIFT code with a valid IBAN and refuses a broken one', () => {
    assert.ok(ibanValid('DE89370400440532013000'));
    assert.ok(!ibanValid('DE89370400440532013001'));
    assert.deepEqual(normalizeBankDetails({ accountHolder: 'Max Muster', bankIdentifier: 'cobadeffxxx', accountNumber: 'DE89 3704 0044 0532 0130 00' }).problems, []);
    assert.equal(normalizeBankDetails({ accountHolder: 'Max', bankIdentifier: 'COBADEFF', accountNumber: '12345' }).problems[0].field, 'accountNumber');
  });

  it('refuses an unknown bank identifier and an empty holder', () => {
    const { problems } = normalizeBankDetails({ accountHolder: '!!', bankIdentifier: '12', accountNumber: '1' });
    assert.deepEqual(problems.map((p) => p.field).sort(), ['accountHolder', 'bankIdentifier']);
  });

  const holder = 'Max Muster';
  const problemsOf = (bankIdentifier: string, accountNumber: string) => normalizeBankDetails({ accountHolder: holder, bankIdentifier, accountNumber }).problems.map((p) => p.field);

  it('accepts valid IBANs of several countries (ibantools)', () => {
    for (const [bic, iban] of [
      ['DEUTDEFF', 'DE89370400440532013000'],
      ['NWBKGB2L', 'GB82 WEST 1234 5698 7654 32'],
      ['BNPAFRPP', 'FR14 2004 1010 0505 0001 3M02 606'],
      ['ABNANL2A', 'NL91ABNA0417164300'],
      ['UBSWCHZH80A', 'CH9300762011623852957'],
      ['KCJBKZKX', 'KZ86125KZT5004100100'],
      ['EBILAEAD', 'AE070331234567890123456'],
    ]) {
      assert.deepEqual(problemsOf(bic, iban), [], iban);
    }
  });

  it('refuses IBANs the old mod-97 check let through: wrong length or BBAN format for the country, unknown country', () => {
    // Each of these has correct check digits (mod 97 = 1).
    assert.ok(!ibanValid('DE5137040044053201300'), 'a German IBAN has 22 characters');
    assert.ok(!ibanValid('XX46370400440532013000'), 'no country XX');
    assert.ok(!ibanValid('NL2904171643001234'), 'a Dutch BBAN starts with four letters');
    assert.ok(!ibanValid('DE89370400440532013001'), 'check digits');
    assert.deepEqual(problemsOf('DEUTDEFF', 'DE5137040044053201300'), ['accountNumber']);
    assert.deepEqual(problemsOf('DEUTDEFF', 'NL2904171643001234'), ['accountNumber']);
  });

  it('checks BIC formats: 8 or 11 characters, a real country code', () => {
    assert.deepEqual(problemsOf('DEUTDEFF', 'DE89370400440532013000'), []);
    assert.deepEqual(problemsOf('deut de ff 500', 'DE89370400440532013000'), []);
    assert.deepEqual(problemsOf('DEUTXXFF', 'DE89370400440532013000'), ['bankIdentifier'], 'no country XX');
    assert.deepEqual(problemsOf('DEU1DEFF', 'DE89370400440532013000'), ['bankIdentifier']);
    assert.deepEqual(problemsOf('DEUTDEF', 'DE89370400440532013000'), ['bankIdentifier']);
    assert.deepEqual(problemsOf('DEUTDEFF5', 'DE89370400440532013000'), ['bankIdentifier']);
  });

  it('checks Russian account/BIC pairs with the control key', () => {
    assert.deepEqual(problemsOf('044525225', '40702810938000000001'), []);
    assert.deepEqual(problemsOf('046577674', '40817810899910004312'), []);
    // The same accounts under other banks' BICs: the key does not match.
    assert.deepEqual(problemsOf('044525974', '40702810938000000001'), ['accountNumber']);
    assert.deepEqual(problemsOf('044030653', '40817810899910004312'), ['accountNumber']);
    assert.deepEqual(problemsOf('044525225', '4070281093800000000'), ['accountNumber'], '19 digits');
    assert.deepEqual(problemsOf('044525225', 'DE89370400440532013000'), ['accountNumber'], 'an IBAN with a Russian BIC');
    assert.deepEqual(problemsOf('144525225', '40702810938000000001'), ['bankIdentifier'], 'a Russian BIC starts 04');
  });
});
