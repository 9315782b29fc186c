import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The ledger's PL/pgSQL as defined once in ledger-functions.sql (the build copies it beside this
 * module). Migrations run it; test/ledger-functions.spec.ts compares it with the database.
 */
export function ledgerFunctionsSql(): string {
  return readFileSync(join(__dirname, 'ledger-functions.sql'), 'utf8');
}

/** The names of the functions the file defines, in file order. */
export function ledgerFunctionNames(sql = ledgerFunctionsSql()): string[] {
  return [...sql.matchAll(/^CREATE OR REPLACE FUNCTION (\w+)\(/gm)].map((m) => m[1]);
}
