import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ledgerFunctionNames, ledgerFunctionsSql } from '../src/ledger/ledger-functions';
import { AccountKind } from '../src/ledger/ledger.types';
import { mayOverdraw } from '../src/ledger/posting-rules';
import { createTestDatabase } from './support/test-app';

/**
 * The ledger's PL/pgSQL lives in one file. A migrated database must hold exactly what the file
 * defines: the file is applied in a scratch schema and every function's definition (signature,
 * settings, body) is compared with the one the migrations left in the database's own schema.
 */
describe('ledger-functions.sql is what the database holds', () => {
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: await createTestDatabase('ledger_functions') });
    await db.connect();
  });
  afterAll(() => db.end());

  async function definitions(schema: string): Promise<Map<string, string>> {
    const rows: { name: string; def: string }[] = (
      await db.query(
        `SELECT p.proname AS name, pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = $1 AND p.proname LIKE 'ledger\\_%' ORDER BY 1`,
        [schema],
      )
    ).rows;
    return new Map(rows.map((r) => [r.name, r.def.replace(`FUNCTION ${schema}.`, 'FUNCTION ')]));
  }

  it('defines every ledger function the database has, identically', async () => {
    const live = await definitions('public');
    await db.query('CREATE SCHEMA ledger_file');
    await db.query('SET search_path TO ledger_file');
    await db.query(ledgerFunctionsSql());
    await db.query('SET search_path TO public');
    const fromFile = await definitions('ledger_file');
    assert.deepEqual([...fromFile.keys()], [...live.keys()], 'the same functions');
    assert.deepEqual(ledgerFunctionNames().sort(), [...live.keys()]);
    for (const [name, def] of live) assert.equal(fromFile.get(name), def, `${name} differs between the file and the database`);
    assert.ok(live.get('ledger_post_many')!.includes("SET plan_cache_mode TO 'force_custom_plan'"));
  });

  it("ledger_may_overdraw decides as ACCOUNT_KIND_OVERDRAFT does (the kind's policy, the clawback flag)", async () => {
    const kinds = Object.values(AccountKind);
    const { rows } = await db.query(
      `SELECT k.kind, public.ledger_may_overdraw(k.kind, false) AS plain, public.ledger_may_overdraw(k.kind, true) AS clawback FROM unnest($1::text[]) WITH ORDINALITY AS k(kind, n) ORDER BY k.n`,
      [kinds],
    );
    assert.deepEqual(
      rows.map((r: { kind: string; plain: boolean; clawback: boolean }) => [r.kind, r.plain, r.clawback]),
      kinds.map((k) => [k, mayOverdraw(k, false), mayOverdraw(k, true)]),
    );
  });

  it('would notice a change made to the file alone', async () => {
    const changed = ledgerFunctionsSql().replace('at least 2 are required', 'at least two are required');
    await db.query('CREATE SCHEMA ledger_edit');
    await db.query('SET search_path TO ledger_edit');
    await db.query(changed);
    await db.query('SET search_path TO public');
    const edited = await definitions('ledger_edit');
    const live = await definitions('public');
    assert.notEqual(edited.get('ledger_check_posting'), live.get('ledger_check_posting'));
  });
});
