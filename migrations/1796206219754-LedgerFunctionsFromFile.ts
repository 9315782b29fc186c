import { MigrationInterface, QueryRunner } from 'typeorm';
import { ledgerFunctionsSql } from '../src/ledger/ledger-functions';

/**
 * The ledger's PL/pgSQL, spread until now over five migrations, is defined once in
 * src/ledger/ledger-functions.sql. This applies that file (CREATE OR REPLACE: the definitions it
 * holds are those the earlier migrations left, so nothing changes for an existing database); a later
 * change to a ledger function edits the file and adds a migration like this one.
 */
export class LedgerFunctionsFromFile1796206219754 implements MigrationInterface {
  name = 'LedgerFunctionsFromFile1796206219754';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ledgerFunctionsSql());
  }

  async down(): Promise<void> {
    // The file holds the definitions the earlier migrations made: there is nothing to undo.
  }
}
