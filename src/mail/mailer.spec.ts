import assert from 'node:assert/strict';
import { classifySmtpError } from './mailer.service';

describe('SMTP error classification', () => {
  it('treats 5xx as permanent and 4xx or network errors as temporary', () => {
    assert.equal(classifySmtpError({ responseCode: 550, response: '550 no such user' }).kind, 'permanent');
    assert.equal(classifySmtpError({ responseCode: 451, response: '451 try later' }).kind, 'temporary');
    assert.equal(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })).kind, 'temporary');
  });
});
