import assert from 'node:assert/strict';
import { product, qualify, scoreLead, ScoringRuleError, ScoringRules, validateRules, validateThresholds } from './scoring';

const rules: ScoringRules = {
  budget: [
    { min: '0', score: 1 },
    { min: '1000', score: 3 },
    { min: '5000', score: 5 },
  ],
  authority: { unknown: 1, influencer: 3, decision_maker: 5 },
  need: { low: 2, high: 4 },
  timeline: [
    { maxDays: 90, score: 3 },
    { maxDays: 30, score: 5 },
  ],
  timelineUnknownScore: 1,
};

describe('BANT scoring', () => {
  const cases: [string, { budget: bigint; authority: string; need: string; timelineDays: number | null }, [number, number, number, number]][] = [
    ['lowest everything', { budget: 0n, authority: 'unknown', need: 'low', timelineDays: null }, [1, 1, 2, 1]],
    ['budget exactly on a band edge', { budget: 1000n, authority: 'influencer', need: 'high', timelineDays: 31 }, [3, 3, 4, 3]],
    ['budget just below an edge', { budget: 4999n, authority: 'decision_maker', need: 'high', timelineDays: 30 }, [3, 5, 4, 5]],
    ['top budget, timeline beyond every band', { budget: 10n ** 15n, authority: 'decision_maker', need: 'high', timelineDays: 400 }, [5, 5, 4, 1]],
    ['timeline zero days is the nearest band', { budget: 5000n, authority: 'unknown', need: 'low', timelineDays: 0 }, [5, 1, 2, 5]],
  ];
  for (const [name, lead, [b, a, n, t]] of cases) {
    it(name, () => assert.deepEqual(scoreLead(rules, lead), { budget: b, authority: a, need: n, timing: t }));
  }

  it('the score is the product, 1–625', () => {
    assert.equal(product({ budget: 1, authority: 1, need: 1, timing: 1 }), 1);
    assert.equal(product({ budget: 5, authority: 5, need: 5, timing: 5 }), 625);
    assert.equal(product({ budget: 3, authority: 4, need: 2, timing: 5 }), 120);
    assert.throws(() => product({ budget: 6, authority: 1, need: 1, timing: 1 }), ScoringRuleError);
    assert.throws(() => product({ budget: 0, authority: 1, need: 1, timing: 1 }), ScoringRuleError);
  });

  it('refuses values the rules do not know', () => {
    assert.throws(() => scoreLead(rules, { budget: 1n, authority: 'ceo', need: 'low', timelineDays: null }), /unknown authority/);
    assert.throws(() => scoreLead(rules, { budget: 1n, authority: 'unknown', need: 'huge', timelineDays: null }), /unknown need/);
  });

  it('refuses rule sets that could score outside 1–5', () => {
    assert.doesNotThrow(() => validateRules(rules));
    assert.throws(() => validateRules({ ...rules, authority: { boss: 6 } }), ScoringRuleError);
    assert.throws(() => validateRules({ ...rules, budget: [{ min: '10', score: 2 }] }), /band starting at 0/);
    assert.throws(() => validateRules({ ...rules, budget: [{ min: '-1', score: 2 }] }), ScoringRuleError);
    assert.throws(() => validateRules({ ...rules, timeline: [{ maxDays: 10, score: 0 }] }), ScoringRuleError);
    assert.throws(() => validateRules({ ...rules, timelineUnknownScore: 9 }), ScoringRuleError);
  });
});

describe('qualification', () => {
  const t = { salesReadyMin: 81, nurtureMin: 16 };
  const cases: [number, string][] = [
    [625, 'sales_ready'],
    [81, 'sales_ready'],
    [80, 'nurture'],
    [16, 'nurture'],
    [15, 'disqualified'],
    [1, 'disqualified'],
  ];
  for (const [score, q] of cases) it(`score ${score} → ${q}`, () => assert.equal(qualify(score, t), q));

  it('refuses thresholds out of order or range', () => {
    assert.throws(() => validateThresholds({ salesReadyMin: 10, nurtureMin: 20 }), ScoringRuleError);
    assert.throws(() => validateThresholds({ salesReadyMin: 626, nurtureMin: 20 }), ScoringRuleError);
    assert.throws(() => validateThresholds({ salesReadyMin: 81, nurtureMin: 0 }), ScoringRuleError);
    assert.doesNotThrow(() => validateThresholds({ salesReadyMin: 81, nurtureMin: 81 }));
  });
});
