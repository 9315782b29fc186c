import { decodeHTML } from 'entities';
import { compile } from 'html-to-text';

/** Every HTML character reference (named, decimal, hexadecimal), as a browser decodes it. */
export function decodeEntities(s: string): string {
  return decodeHTML(s);
}

/**
 * The plain-text part of a message, from its HTML, by html-to-text (a real HTML parser: any
 * quoting of attributes, every entity, lists and tables). Links become "label (url)", headings
 * keep their case, images are dropped, lines are not wrapped (a long link stays whole). Compiled
 * once: it runs once per recipient.
 */
const convert = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'ul', options: { itemPrefix: '- ' } },
  ],
});

export function htmlToText(html: string): string {
  return convert(html).replace(/^\n+/, '').trimEnd();
}
