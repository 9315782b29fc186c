import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * No module but the ledger reads or locks the ledger's tables: every SQL statement that names
 * `ledger_accounts`, `ledger_entries`, `ledger_postings` or `ledger_posting_checks` lives in
 * src/ledger/ (LedgerService writes, LedgerReadRepository reads); payouts, commissions,
 * reconciliation, mail and the rest ask the ledger. Only the string literals and template texts of
 * each file are searched, so a comment naming a table or the function `ledger_post_many` is fine.
 * Migrations (outside src/) define the tables and are not scanned.
 */
const root = join(__dirname, '..', '..');
const TABLE = /\bledger_(?:accounts|entries|postings|posting_checks)\b/;
/** Folders under src/ that may name the ledger's tables. */
const ALLOWED = ['src/ledger/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The texts of a file's string literals and template pieces, with their line numbers. */
function stringTexts(fileName: string, text: string): { line: number; text: string }[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function offenders(files: string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    const rel = relative(root, f).split('\\').join('/');
    if (ALLOWED.some((a) => rel.startsWith(a))) continue;
    for (const s of stringTexts(rel, readFileSync(f, 'utf8'))) {
      const m = TABLE.exec(s.text);
      if (m) found.push(`${rel}:${s.line} names ${m[0]}`);
    }
  }
  return found;
}

describe('the ledger owns its tables', () => {
  it('no file under src/ outside src/ledger/ names a ledger table in SQL', () => {
    const files = sourceFiles(join(root, 'src'));
    assert.ok(files.length > 100, `scanned ${files.length} files`);
    assert.ok(files.some((f) => relative(root, f).startsWith(join('src', 'ledger'))), 'src/ledger is among the scanned files');
    assert.deepEqual(offenders(files), [], 'ask the ledger (LedgerReadRepository / LedgerService) instead');
  });

  it('finds a table in SQL, including inside a template, and ignores comments', () => {
    const sql = [
      '// ledger_accounts in a line comment, ledger_post_many named',
      '/* SELECT * FROM ledger_postings */',
      'const a = `SELECT 1 FROM ${"x"} JOIN ledger_entries e ON true`;',
      "const b = 'ledger_post_many';",
    ].join('\n');
    const hits = stringTexts('x.ts', sql).filter((s) => TABLE.test(s.text));
    assert.deepEqual(
      hits.map((h) => h.line),
      [3],
    );
  });
});
