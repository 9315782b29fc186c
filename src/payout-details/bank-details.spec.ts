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
});
