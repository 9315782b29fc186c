import assert from 'node:assert/strict';
import { partnerDashboard } from './partner-dashboard';

describe('partner dashboard', () => {
  const lead = (id: string, routingState: string, dealStatus: string | null, offerExpiresAt: string | null = null) => ({ id, companyName: `Co ${id}`, routingState, dealStatus, offerExpiresAt });

  it('lists offers waiting by the soonest deadline first', () => {
    const d = partnerDashboard([lead('a', 'offered', null, '2026-12-05T10:00:00Z'), lead('b', 'offered', null, '2026-12-04T10:00:00Z'), lead('c', 'accepted', 'contacted')]);
    assert.deepEqual(
      d.offers.map((o) => o.leadId),
      ['b', 'a'],
    );
    assert.equal(d.offers[0].expiresAt.toISOString(), '2026-12-04T10:00:00.000Z');
  });

  it('counts accepted leads per deal status, every status listed in the deal order', () => {
    const d = partnerDashboard([lead('a', 'accepted', 'won'), lead('b', 'accepted', 'contacted'), lead('c', 'accepted', 'contacted'), lead('d', 'offered', null, '2026-12-04T10:00:00Z')]);
    assert.deepEqual(d.byStatus, [
      { status: 'accepted', count: 0 },
      { status: 'contacted', count: 2 },
      { status: 'proposal', count: 0 },
      { status: 'won', count: 1 },
      { status: 'lost', count: 0 },
    ]);
    assert.equal(d.accepted, 3);
  });

  it('is empty for a new member', () => {
    const d = partnerDashboard([]);
    assert.equal(d.offers.length, 0);
    assert.equal(d.accepted, 0);
  });
});
