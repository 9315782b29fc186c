import assert from 'node:assert/strict';
import { csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes separators and defuses formulas but keeps negative amounts', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('-1500'), '-1500');
    assert.equal(csvCell('-cmd'), "'-cmd");
    assert.equal(csvCell(null), '');
    assert.equal(toCsv(['a', 'b'], [[1n, 'x']]), 'a,b\r\n1,x\r\n');
  });
});
