import assert from 'node:assert/strict';
import { parseBounce } from './bounce.service';

const REF = 'b.MTIz.abcdefABCDEF0123456789';
const crlf = (lines: string[]) => lines.join('\r\n');

/** Postfix: text, delivery-status, then the original's headers (text/rfc822-headers). */
const postfix = (status: string, action = 'failed', diagnostic = 'smtp; 550 5.1.1 <anna@shop.example>: Recipient address rejected: User unknown') =>
  crlf([
    'From: MAILER-DAEMON@mx.handshake.example (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    'To: bounces@handshake.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="3F2A1C0D5E.1733100000/mx.handshake.example"',
    '',
    'This is a MIME-encapsulated message.',
    '',
    '--3F2A1C0D5E.1733100000/mx.handshake.example',
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.handshake.example.',
    "I'm sorry to have to inform you that your message could not be delivered.",
    '',
    '--3F2A1C0D5E.1733100000/mx.handshake.example',
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.handshake.example',
    'X-Postfix-Queue-ID: 3F2A1C0D5E',
    'Arrival-Date: Mon,  1 Dec 2026 10:00:00 +0000 (UTC)',
    '',
    'Final-Recipient: rfc822; anna@shop.example',
    'Original-Recipient: rfc822;anna@shop.example',
    `Action: ${action}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mx.shop.example',
    // Folded at a space, as MTAs fold long fields.
    `Diagnostic-Code: ${diagnostic.slice(0, diagnostic.lastIndexOf(' '))}`,
    `    ${diagnostic.slice(diagnostic.lastIndexOf(' ') + 1)}`,
    '',
    '--3F2A1C0D5E.1733100000/mx.handshake.example',
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Handshake <news@handshake.example>',
    'To: anna@shop.example',
    'Subject: Anna, earn with your suppliers',
    `X-Handshake-Ref: ${REF}`,
    '',
    '--3F2A1C0D5E.1733100000/mx.handshake.example--',
    '',
  ]);

/** Exim: the whole original message as message/rfc822, two recipients (one delivered, one failed). */
const exim = crlf([
  'From: Mail Delivery System <Mailer-Daemon@mail.example.ru>',
  'To: bounces@handshake.example',
  'Subject: Mail delivery failed: returning message to sender',
  'Content-Type: multipart/report; report-type=delivery-status; boundary=1733100000-eximdsn-1234567',
  'MIME-Version: 1.0',
  '',
  '--1733100000-eximdsn-1234567',
  'Content-type: text/plain; charset=us-ascii',
  '',
  'This message was created automatically by mail delivery software.',
  '',
  '--1733100000-eximdsn-1234567',
  'Content-type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mail.example.ru',
  '',
  'Action: delivered',
  'Final-Recipient: rfc822;other@example.ru',
  'Status: 2.0.0',
  '',
  'Action: failed',
  'Final-Recipient: rfc822;ivan@example.ru',
  'Status: 5.2.2',
  'Remote-MTA: dns; mx.example.ru',
  'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
  '',
  '--1733100000-eximdsn-1234567',
  'Content-type: message/rfc822',
  '',
  'Return-path: <bounces@handshake.example>',
  'From: Handshake <news@handshake.example>',
  'To: ivan@example.ru',
  'Subject: Ivan, earn with your suppliers',
  `X-Handshake-Ref: ${REF}`,
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello Ivan',
  '',
  '--1733100000-eximdsn-1234567--',
  '',
]);

/** Gmail: text, HTML alternative, delivery-status, and the original as message/rfc822. */
const gmail = crlf([
  'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
  'To: bounces@handshake.example',
  'Subject: Delivery Status Notification (Failure)',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; boundary="000000000000abc123"; report-type=delivery-status',
  '',
  '--000000000000abc123',
  'Content-Type: multipart/related; boundary="000000000000abc124"',
  '',
  '--000000000000abc124',
  'Content-Type: multipart/alternative; boundary="000000000000abc125"',
  '',
  '--000000000000abc125',
  'Content-Type: text/plain; charset="UTF-8"',
  '',
  "Address not found. Your message wasn't delivered to nobody@gmail.com because the address couldn't be found.",
  '',
  '--000000000000abc125',
  'Content-Type: text/html; charset="UTF-8"',
  '',
  '<html><body><p>Address not found</p></body></html>',
  '',
  '--000000000000abc125--',
  '',
  '--000000000000abc124--',
  '',
  '--000000000000abc123',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; googlemail.com',
  'Received-From-MTA: dns; mx.handshake.example',
  'Arrival-Date: Mon, 01 Dec 2026 02:00:00 -0800 (PST)',
  '',
  'Final-Recipient: rfc822; nobody@gmail.com',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c0b::1b, the',
  ' server for the domain gmail.com.)',
  "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.",
  'Last-Attempt-Date: Mon, 01 Dec 2026 02:00:01 -0800 (PST)',
  '',
  '--000000000000abc123',
  'Content-Type: message/rfc822',
  '',
  'From: Handshake <news@handshake.example>',
  'To: nobody@gmail.com',
  `X-Handshake-Ref: ${REF}`,
  'Subject: Hello',
  '',
  'Body',
  '',
  '--000000000000abc123--',
  '',
]);

/** ARF complaint (RFC 5965) from a mailbox provider's feedback loop. */
const arf = crlf([
  'From: feedbackloop@mail.example',
  'To: fbl@handshake.example',
  'Subject: Complaint',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"',
  '',
  '--arf',
  'Content-Type: text/plain',
  '',
  'This is an abuse report.',
  '',
  '--arf',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: abuse',
  'User-Agent: SomeFBL/1.0',
  'Version: 1',
  '',
  '--arf',
  'Content-Type: text/rfc822-headers',
  '',
  'From: news@handshake.example',
  `X-Handshake-Ref: ${REF}`,
  '',
  '--arf--',
  '',
]);

describe('DSN and ARF parsing (mailparser)', () => {
  it('Postfix: a hard bounce with its folded diagnostic and recipient', async () => {
    const r = await parseBounce(postfix('5.1.1'));
    assert.deepEqual(r, {
      ref: REF,
      complaint: false,
      status: '5.1.1',
      action: 'failed',
      finalRecipient: 'anna@shop.example',
      diagnostic: 'smtp; 550 5.1.1 <anna@shop.example>: Recipient address rejected: User unknown',
    });
  });

  it('Postfix: a delay (4.x.x) is a soft bounce', async () => {
    const r = await parseBounce(postfix('4.4.1', 'delayed', 'smtp; 451 4.4.1 connection timed out, will retry later'));
    assert.equal(r.status, '4.4.1');
    assert.equal(r.action, 'delayed');
  });

  it('Exim: picks the failed recipient among several, the original as message/rfc822', async () => {
    const r = await parseBounce(exim);
    assert.deepEqual([r.ref, r.status, r.action, r.finalRecipient, r.diagnostic], [REF, '5.2.2', 'failed', 'ivan@example.ru', 'smtp; 552 5.2.2 Mailbox full']);
  });

  it('Gmail: nested alternative text, the status part and the original', async () => {
    const r = await parseBounce(gmail);
    assert.deepEqual([r.ref, r.status, r.action, r.finalRecipient], [REF, '5.1.1', 'failed', 'nobody@gmail.com']);
    assert.match(r.diagnostic!, /does not exist/);
  });

  it('an ARF abuse report is a complaint', async () => {
    assert.deepEqual(await parseBounce(arf), { ref: REF, complaint: true });
  });

  it('no reference of ours: nothing to attribute', async () => {
    assert.equal((await parseBounce(postfix('5.1.1').replace(/X-Handshake-Ref: .*\r\n/, ''))).ref, undefined);
  });
});
