import assert from 'node:assert/strict';
import { assignBatch, bestMember, LeadToRoute, MemberCandidate, rankMembers } from './match';

const member = (id: string, over: Partial<MemberCandidate> = {}): MemberCandidate => ({
  id,
  threshold: 0n,
  tagIds: [1],
  regions: [],
  companySizes: [],
  capacity: 10,
  remaining: 10,
  history: new Map(),
  ...over,
});
const lead = (over: Partial<LeadToRoute> = {}): LeadToRoute => ({ id: 'L', submitterMemberId: null, budget: 1000n, tagIds: [1], region: null, companySize: null, excluded: new Set(), ...over });

describe('best member for a lead', () => {
  const cases: [string, LeadToRoute, MemberCandidate[], string | null][] = [
    ['more shared tags wins', lead({ tagIds: [1, 2] }), [member('a', { tagIds: [1] }), member('b', { tagIds: [1, 2] })], 'b'],
    ['threshold above the budget excludes', lead({ budget: 500n }), [member('a', { threshold: 600n }), member('b', { threshold: 500n })], 'b'],
    ['no capacity left excludes', lead(), [member('a', { remaining: 0 }), member('b', { remaining: 1 })], 'b'],
    ['never the submitter', lead({ submitterMemberId: 'a' }), [member('a', { tagIds: [1, 2] }), member('b')], 'b'],
    ['never a member offered before', lead({ excluded: new Set(['a']) }), [member('a'), member('b')], 'b'],
    ['no shared tag excludes', lead({ tagIds: [3] }), [member('a'), member('b', { tagIds: [2] })], null],
    ['a region the member does not serve excludes', lead({ region: 'eu' }), [member('a', { regions: ['us'] }), member('b', { regions: [] })], 'b'],
    [
      'better win rate on these tags wins at equal overlap',
      lead(),
      [member('a', { history: new Map([[1, { won: 1, closed: 4 }]]) }), member('b', { history: new Map([[1, { won: 3, closed: 4 }]]) })],
      'b',
    ],
    ['win rate on other tags does not count', lead(), [member('a', { history: new Map([[9, { won: 9, closed: 9 }]]), remaining: 1 }), member('b', { remaining: 2 })], 'b'],
    ['more capacity left breaks a tie', lead(), [member('a', { remaining: 2 }), member('b', { remaining: 5 })], 'b'],
    ['member id breaks a full tie', lead(), [member('b'), member('a')], 'a'],
    ['nobody at all', lead(), [], null],
    ['a company size the member does not serve excludes', lead({ companySize: 'enterprise' }), [member('a', { companySizes: ['small', 'medium'] }), member('b', { companySizes: ['enterprise'] })], 'b'],
    ['no declared sizes serves every size', lead({ companySize: 'small' }), [member('a', { companySizes: ['large'] }), member('b')], 'b'],
    ['a lead without a size matches a member with sizes', lead(), [member('a', { companySizes: ['large'] })], 'a'],
  ];
  for (const [name, l, ms, expected] of cases) {
    it(name, () => assert.equal(bestMember(l, ms)?.memberId ?? null, expected));
  }

  it('ranks every eligible member best first (the reroute order)', () => {
    const ranked = rankMembers(lead({ tagIds: [1, 2] }), [member('a'), member('b', { tagIds: [1, 2] }), member('c', { tagIds: [5] })]);
    assert.deepEqual(
      ranked.map((r) => r.memberId),
      ['b', 'a'],
    );
  });
});

describe('batch assignment', () => {
  it('uses up capacity within a batch and never overfills', () => {
    const ms = [member('a', { remaining: 2, tagIds: [1, 2] }), member('b', { remaining: 1 })];
    const leads = ['1', '2', '3', '4'].map((id) => lead({ id, tagIds: [1, 2] }));
    const out = assignBatch(leads, ms);
    assert.deepEqual([...out.entries()], [
      ['1', 'a'],
      ['2', 'a'],
      ['3', 'b'],
      ['4', null],
    ]);
  });
});

describe('weighted rotation among equally good matches', () => {
  it('spreads a batch in proportion to capacity instead of filling the best member first', () => {
    const ms = [member('a', { capacity: 4, remaining: 4 }), member('b', { capacity: 2, remaining: 2 })];
    const leads = ['1', '2', '3', '4', '5', '6'].map((id) => lead({ id }));
    const out = [...assignBatch(leads, ms, 'rotation').values()];
    assert.deepEqual(
      out.filter((x) => x === 'a').length,
      4,
    );
    assert.deepEqual(out, ['a', 'b', 'a', 'a', 'b', 'a']);
    // Best match gives the first leads to the member with more capacity left until it ties.
    const best = [...assignBatch(leads, [member('a', { capacity: 4, remaining: 4 }), member('b', { capacity: 2, remaining: 2 })]).values()];
    assert.deepEqual(best.slice(0, 2), ['a', 'a']);
  });

  it('still prefers more shared tags: rotation is only among equally good matches', () => {
    const ms = [member('a', { tagIds: [1, 2], capacity: 10, remaining: 1 }), member('b', { tagIds: [1], capacity: 10, remaining: 10 })];
    assert.equal(bestMember(lead({ tagIds: [1, 2] }), ms, 'rotation')?.memberId, 'a');
  });

  it('counts load this week, not remaining capacity: a big member already busy waits its turn', () => {
    const ms = [member('a', { capacity: 10, remaining: 4 }), member('b', { capacity: 2, remaining: 2 })];
    assert.equal(bestMember(lead(), ms, 'rotation')?.memberId, 'b');
    assert.equal(bestMember(lead(), ms)?.memberId, 'a');
  });
});
