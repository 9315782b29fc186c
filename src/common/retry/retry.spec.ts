import assert from 'node:assert/strict';
import { backoffDelayMs, backoffSchedule, isTransientConflict, retry } from './retry';

describe('the retry/backoff helper', () => {
  it('doubles the wait from the base up to the cap', () => {
    const p = { baseMs: 30_000, maxMs: 3_600_000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelayMs(n, p)), [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000]);
    assert.equal(backoffDelayMs(10_000, p), 3_600_000);
    assert.throws(() => backoffDelayMs(0, p), /positive integer/);
  });

  it('gives the Stripe inbox the schedule it had: 15 s doubling, at most an hour', () => {
    assert.deepEqual(backoffSchedule({ baseMs: 15_000, maxMs: 3_600_000 }, 10).map((ms) => ms / 1000), [15, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('retries a curable error up to the attempts, then throws the last one', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let calls = 0;
    const ok = await retry(async (attempt) => {
      calls++;
      if (attempt < 3) throw deadlock;
      return 'done';
    }, { attempts: 5, retryIf: isTransientConflict });
    assert.deepEqual([ok, calls], ['done', 3]);
    calls = 0;
    await assert.rejects(retry(async () => { calls++; throw deadlock; }, { attempts: 5, retryIf: isTransientConflict }), /deadlock/);
    assert.equal(calls, 5);
  });

  it('throws an incurable error at once, and waits between attempts when asked', async () => {
    let calls = 0;
    await assert.rejects(retry(async () => { calls++; throw Object.assign(new Error('syntax'), { code: '42601' }); }, { attempts: 5, retryIf: isTransientConflict }), /syntax/);
    assert.equal(calls, 1);
    const started = Date.now();
    let n = 0;
    await retry(async () => { if (++n < 3) throw new Error('again'); }, { attempts: 3, retryIf: () => true, backoff: { baseMs: 20, maxMs: 1000 } });
    assert.ok(Date.now() - started >= 55, 'waited 20 + 40 ms');
    assert.ok(isTransientConflict({ driverError: { code: '40001' } }), 'TypeORM-wrapped serialization failure');
  });
});
