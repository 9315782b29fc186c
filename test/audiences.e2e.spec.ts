import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { AudienceImportService } from '../src/audiences/audience-import.service';
import { CSV_LIMITS } from '../src/audiences/csv-header';
import { Role } from '../src/access/role';
import { staffToken } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });
const contacts = async (audienceId: string) => Number((await t.db.query('SELECT count(*) AS n FROM contacts WHERE audience_id = $1', [audienceId]))[0].n);

async function audience(name: string): Promise<string> {
  return (await request(t.url).post('/api/audiences').set(auth()).send({ name }).expect(201)).body.id;
}
const upload = (id: string, csv: string | Buffer, query = '') => request(t.url).post(`/api/audiences/${id}/imports${query}`).set(auth()).set('content-type', 'text/csv').send(csv);

beforeAll(async () => {
  t = await startTestApp('audiences', { env: { JOBS_ENABLED: 'false' } });
  token = await staffToken(t, Role.Marketer);
});
afterAll(() => t.close());

describe('audience CSV import', () => {
  it('imports, keeps extra columns, dedupes by normalized address, rejects invalid rows with line and reason, skips suppressed', async () => {
    const id = await audience('buyers');
    await request(t.url).post('/api/suppressions').set(auth()).send({ email: 'Blocked@Shop.example', reason: 'manual' }).expect(201);
    const csv = [
      'Email,Name,Company,City',
      'anna@shop.example,Anna Petrova,Shop One,Kazan',
      '"ANNA@shop.example ",Anna again,Shop One,Moscow',
      'not-an-address,Bad,Bad,X',
      ',No Email,Nowhere,X',
      'short@shop.example,Short',
      'blocked@shop.example,Blocked,B,X',
      '"quoted, name@shop.example",Q,Q,Q',
      'ivan@shop.example,"Ivan ""the"" Buyer","Shop, Two",Perm',
    ].join('\n');
    const r = (await upload(id, csv, '?filename=buyers.csv').expect(201)).body;
    assert.deepEqual({ rows: r.rows, imported: r.imported, updated: r.updated, rejected: r.rejected, suppressed: r.suppressed }, { rows: 8, imported: 2, updated: 0, rejected: 5, suppressed: 1 });
    assert.deepEqual(
      r.rejections.map((x: any) => [x.line, x.reason]),
      [
        [3, 'duplicate of line 2'],
        [4, '"not-an-address" is not a valid email address'],
        [5, 'no email address'],
        [6, 'has 2 fields; the header has 4'],
        [8, '"quoted, name@shop.example" is not a valid email address'],
      ],
    );
    const [ivan] = await t.db.query(`SELECT name, company, attributes FROM contacts WHERE email = 'ivan@shop.example'`);
    assert.deepEqual(ivan, { name: 'Ivan "the" Buyer', company: 'Shop, Two', attributes: { City: 'Perm' } });
    // a second import of the same address updates it
    const again = (await upload(id, 'email,name\nanna@shop.example,Anna P.\n').expect(201)).body;
    assert.deepEqual({ imported: again.imported, updated: again.updated }, { imported: 0, updated: 1 });
    const stored = await request(t.url).get(`/api/audiences/${id}/imports/${r.importId}`).set(auth()).expect(200);
    assert.equal(stored.body.rejected, 5);
  });

  const broken: [string, string, string, number | undefined][] = [
    ['a wrong delimiter', 'email;name;company\na@x.example;A;X\n', 'CSV_WRONG_DELIMITER', 1],
    ['no email column', 'name,company\nA,X\n', 'CSV_NO_EMAIL_COLUMN', 1],
    ['broken quoting', 'email,name\na@x.example,A\nb@x.example,"B\nc@x.example,C\n', 'CSV_BROKEN_QUOTING', undefined],
    ['an empty file', '', 'CSV_EMPTY', undefined],
  ];
  for (const [what, csv, code, line] of broken) {
    it(`refuses ${what} with ${code} and imports nothing`, async () => {
      const id = await audience(`broken-${code}`);
      const res = await upload(id, csv).expect(422);
      assert.equal(res.body.error.code, code);
      if (line) assert.equal(res.body.error.details.line, line);
      assert.equal(await contacts(id), 0);
    });
  }

  it('imports nothing from a file that breaks after thousands of good rows', async () => {
    const id = await audience('late-break');
    const good = Array.from({ length: 2500 }, (_, i) => `u${i}@late.example,U ${i}`).join('\n');
    const res = await upload(id, `email,name\n${good}\nbad@late.example,"unterminated\n`).expect(422);
    assert.equal(res.body.error.code, 'CSV_BROKEN_QUOTING');
    assert.equal(await contacts(id), 0);
  });

  it('accepts the other delimiter when told', async () => {
    const id = await audience('semicolons');
    const r = (await upload(id, 'email;name\na@x.example;A\n', '?delimiter=%3B').expect(201)).body;
    assert.equal(r.imported, 1);
  });

  it('refuses a 100 MB file cleanly (413) before reading it, and a stream that grows past the limit', async () => {
    const id = await audience('huge');
    const res = await request(t.url)
      .post(`/api/audiences/${id}/imports`)
      .set(auth())
      .set('content-type', 'text/csv')
      .set('content-length', String(100 * 1024 * 1024))
      .send('email\n')
      .ok(() => true);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'AUDIENCE_FILE_TOO_LARGE');
    const service = t.app.get(AudienceImportService);
    const limit = service.maxBytes;
    service.maxBytes = 64 * 1024;
    try {
      const rows = Readable.from((function* () {
        yield 'email,name\n';
        for (let i = 0; i < 20000; i++) yield `s${i}@stream.example,S\n`;
      })());
      await assert.rejects(service.importCsv(id, rows), (err: any) => err.code === 'AUDIENCE_FILE_TOO_LARGE');
    } finally {
      service.maxBytes = limit;
    }
    assert.equal(await contacts(id), 0);
  });

  it('streams 100,000 rows in batches: the live heap stays flat', async () => {
    const id = await audience('big');
    const service = t.app.get(AudienceImportService);
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    let peak = 0;
    const source = Readable.from((function* () {
      yield 'email,name,company,segment\n';
      for (let i = 0; i < 100_000; i++) {
        if (i % 10_000 === 5_000) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
        }
        yield `big${i}@bulk.example,Buyer ${i},Company ${i % 100},seg${i % 7}\n`;
      }
    })());
    const r = await service.importCsv(id, source);
    assert.equal(r.imported, 100_000);
    assert.equal(await contacts(id), 100_000);
    const mb = peak / 1024 / 1024;
    process.stdout.write(`# 100k import: live heap growth at most ${mb.toFixed(1)} MB\n`);
    // 100,000 parsed rows held at once would take well over 40 MB of heap.
    assert.ok(mb < 25, `live heap grew ${mb} MB`);
  });

  it('refuses a body that is not CSV, and unknown audiences', async () => {
    const id = await audience('types');
    const res = await request(t.url).post(`/api/audiences/${id}/imports`).set(auth()).send({ email: 'a@b.example' }).expect(415);
    assert.equal(res.body.error.code, 'AUDIENCE_UNSUPPORTED_MEDIA_TYPE');
    await upload('00000000-0000-4000-8000-000000000000', 'email\na@b.example\n').expect(404);
  });

  describe('CSV bombs', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const MiB = 1024 * 1024;

    /** Streams `total` bytes made of `fill` (after an optional head) without holding them; samples the live heap. */
    function bomb(head: string, fill: string, total: number, heap: { base: number; peak: number }): Readable {
      const chunk = fill.repeat(Math.ceil((64 * 1024) / fill.length));
      return Readable.from(
        (function* () {
          yield head;
          for (let sent = 0, n = 0; sent < total; sent += chunk.length, n++) {
            if (n % 64 === 0) {
              gc();
              heap.peak = Math.max(heap.peak, process.memoryUsage().heapUsed - heap.base);
            }
            yield chunk;
          }
        })(),
        { objectMode: false },
      );
    }
    const heapWatch = () => {
      gc();
      return { base: process.memoryUsage().heapUsed, peak: 0 };
    };

    it('refuses a 48 MiB header of commas with CSV_TOO_MANY_COLUMNS (ru and en), its import failed with the reason, memory bounded', async () => {
      const id = await audience('bomb-commas');
      const heap = heapWatch();
      const url = new URL(`/api/audiences/${id}/imports`, t.url);
      const { status, body } = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: { ...auth(), 'content-type': 'text/csv', 'accept-language': 'ru' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        bomb('email', ',', 48 * MiB, heap).pipe(req);
      });
      assert.equal(status, 422);
      assert.equal(body.error.code, 'CSV_TOO_MANY_COLUMNS');
      assert.equal(body.error.details.line, 1);
      assert.match(body.error.message, /больше 1000 столбцов/);
      const mb = heap.peak / MiB;
      process.stdout.write(`# comma bomb: live heap growth at most ${mb.toFixed(1)} MB\n`);
      // The old parser built a 48-million-field record (1.6 GB); a capped record is a few hundred KB.
      assert.ok(mb < 64, `live heap grew ${mb} MB`);
      const report = await request(t.url).get(`/api/audiences/${id}/imports/${body.error.details.importId}`).set(auth()).expect(200);
      assert.equal(report.body.status, 'failed');
      assert.equal(report.body.error.code, 'CSV_TOO_MANY_COLUMNS');
      assert.match(report.body.error.message, /столбцов/);
      assert.equal(await contacts(id), 0);

      const en = await upload(id, `email${','.repeat(5000)}\n`).expect(422);
      assert.equal(en.body.error.code, 'CSV_TOO_MANY_COLUMNS');
      assert.match(en.body.error.message, /^Line 1 has more than 1000 columns/);
    });

    it('refuses a data row wider than the cap, and one huge field (CSV_RECORD_TOO_LARGE), with nothing imported', async () => {
      const id = await audience('bomb-rows');
      const service = t.app.get(AudienceImportService);
      const wide = bomb('email,name\na@bomb.example,A\nb@bomb.example', ',', 8 * MiB, heapWatch());
      await assert.rejects(service.importCsv(id, wide), (err: any) => err.code === 'CSV_TOO_MANY_COLUMNS' && err.details.line === 3);
      const heap = heapWatch();
      const long = bomb('email,name\na@bomb.example,', 'x', 48 * MiB, heap);
      await assert.rejects(service.importCsv(id, long), (err: any) => err.code === 'CSV_RECORD_TOO_LARGE' && err.details.line === 2 && /longer than 1024 KB/.test(err.message));
      assert.ok(heap.peak / MiB < 64, `live heap grew ${heap.peak / MiB} MB`);
      // An unclosed quote is one endless field: refused at the cap too.
      const quoted = bomb('email,name\na@bomb.example,"', 'y,\n', 8 * MiB, heapWatch());
      await assert.rejects(service.importCsv(id, quoted), (err: any) => err.code === 'CSV_RECORD_TOO_LARGE');
      assert.equal(await contacts(id), 0);
    });

    it('still imports a file exactly as wide as the cap', async () => {
      const id = await audience('wide-ok');
      const extra = Array.from({ length: CSV_LIMITS.maxColumns - 1 }, (_, i) => `c${i}`);
      const r = (await upload(id, `email,${extra.join(',')}\nw@wide.example,${extra.map(() => 'v').join(',')}\n`).expect(201)).body;
      assert.equal(r.imported, 1);
    });
  });
});
