import assert from 'node:assert/strict';
import { EmailTemplateService } from './email-template.service';
import { decodeEntities, htmlToText } from './html-to-text';

describe('the plain-text part of an email', () => {
  it('keeps links whatever their quoting: double, single, unquoted', () => {
    assert.equal(htmlToText('<p><a href="https://x.example/a">Double</a></p>'), 'Double (https://x.example/a)');
    assert.equal(htmlToText("<p><a href='https://x.example/b'>Single</a></p>"), 'Single (https://x.example/b)');
    assert.equal(htmlToText('<p><a href=https://x.example/c>Unquoted</a></p>'), 'Unquoted (https://x.example/c)');
    assert.equal(htmlToText('<p><a class="button" target=_blank href="https://x.example/d?x=1&amp;y=2">Go</a></p>'), 'Go (https://x.example/d?x=1&y=2)');
    assert.equal(htmlToText('<a href="https://x.example/e">https://x.example/e</a>'), 'https://x.example/e');
  });

  it('decodes numeric and named entities', () => {
    assert.equal(htmlToText('<p>&laquo;Ромашка&raquo; &mdash; 5&nbsp;000&#8201;&#8381; &euro; &#x2014; &#169; &hellip; &apos;x&apos; &lt;b&gt;</p>'), '«Ромашка» — 5\u00a0000\u2009₽ € — © … \'x\' <b>');
    assert.equal(decodeEntities('a&amp;b &#39; &#x3D; &copy; &rarr;'), "a&b ' = © →");
  });

  it('writes lists and tables as text', () => {
    assert.equal(htmlToText('<ul><li>One</li><li>Two</li></ul>'), '- One\n- Two');
    assert.equal(htmlToText('<ol><li>First</li><li>Second</li></ol>'), ' 1. First\n 2. Second');
    const table = htmlToText('<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>1000</td></tr><tr><td>Pro</td><td>5000</td></tr></table>');
    const lines = table.split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(lines, [['Plan', 'Price'], ['Basic', '1000'], ['Pro', '5000']]);
  });

  it('drops scripts, styles and images; keeps headings as written', () => {
    assert.equal(htmlToText('<style>p{color:red}</style><script>alert(1)</script><h1>Hello Anna,</h1><img src="https://x.example/p.png" alt="pixel"><p>Text</p>'), 'Hello Anna,\n\nText');
  });

  it('is the text part of a real campaign email', () => {
    const templates = new EmailTemplateService();
    const body = `<h1>Hello {{firstName}},</h1>
<p>People at {{company}} trust you &mdash; earn 20&nbsp;% of each payment. <a href='https://handshake.example/about?x=1&amp;y=2'>Read about the program</a>.</p>
<ul><li>Choose the discount</li><li>Share your code</li></ul>
{{> button url=registrationLink label="Become a referrer"}}`;
    const compiled = templates.compile('{{firstName}}, earn with your suppliers', body);
    const message = templates.render(compiled, { email: 'olga@shop.example', name: 'Olga Smirnova', company: 'Shop "One" & Co', attributes: {} }, {
      registrationLink: 'https://handshake.example/r/ABC123',
      unsubscribeLink: 'https://handshake.example/u/xyz',
    });
    assert.equal(
      message.text,
      [
        'Hello Olga,',
        '',
        'People at Shop "One" & Co trust you — earn 20\u00a0% of each payment. Read about the program (https://handshake.example/about?x=1&y=2).',
        '',
        '- Choose the discount',
        '- Share your code',
        '',
        'Become a referrer (https://handshake.example/r/ABC123)',
        '',
        '--',
        'You receive this email because your address is on the partner list of Handshake.',
        'Unsubscribe: https://handshake.example/u/xyz',
        '',
      ].join('\n'),
    );
  });
});
