import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** Two checkouts on one machine: the second must not take the first one's server (and data) for its own. */
it('reuses its own running server, and refuses another data directory\'s server on the same port', async () => {
  const port = await freePort();
  const a = join(mkdtempSync(join(os.tmpdir(), 'handshake-pg-a-')), 'pg');
  const b = join(mkdtempSync(join(os.tmpdir(), 'handshake-pg-b-')), 'pg');
  // b is an initialised data directory of its own (another checkout's .data), not running now.
  const other = await startEmbeddedPostgres({ dir: b, port: await freePort(), database: 'handshake', persistent: true });
  await other.stop();
  const first = await startEmbeddedPostgres({ dir: a, port, database: 'handshake', persistent: false });
  try {
    const again = await startEmbeddedPostgres({ dir: a, port, database: 'handshake', persistent: false });
    assert.equal(again.url, first.url);
    await assert.rejects(startEmbeddedPostgres({ dir: b, port, database: 'handshake', persistent: false }), (err: Error) => {
      assert.match(err.message, new RegExp(`port ${port} is taken by the PostgreSQL of another data directory`));
      assert.match(err.message, /EMBEDDED_PG_PORT/);
      return true;
    });
  } finally {
    await first.stop();
  }
});
