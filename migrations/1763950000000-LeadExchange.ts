import { MigrationInterface, QueryRunner } from 'typeorm';

const RULES_V1 = `Handshake lead exchange rules, version 1.

1. Members pass each other leads they cannot serve; each lead goes to exactly one member.
2. A member answers an offered lead (accept or decline) within the time the operator sets.
3. A member keeps the status of the leads it accepted up to date, up to won or lost.
4. No poaching: a member does not hire or solicit the staff of another member, nor approach the
   customers another member passed on for anything but the passed request.
5. Lead data is used only to serve the lead.`;

/** Default scoring rules: fields of a lead mapped to BANT scores 1–5 (editable by the operator). */
const DEFAULT_SCORING = {
  budget: [
    { min: '0', score: 1 },
    { min: '10000000', score: 2 },
    { min: '50000000', score: 3 },
    { min: '200000000', score: 4 },
    { min: '1000000000', score: 5 },
  ],
  authority: { unknown: 1, user: 2, influencer: 3, recommender: 4, decision_maker: 5 },
  need: { none: 1, low: 2, medium: 3, high: 4, urgent: 5 },
  timeline: [
    { maxDays: 30, score: 5 },
    { maxDays: 90, score: 4 },
    { maxDays: 180, score: 3 },
    { maxDays: 365, score: 2 },
  ],
  timelineUnknownScore: 1,
};

export class LeadExchange1763950000000 implements MigrationInterface {
  name = 'LeadExchange1763950000000';

  async up(q: QueryRunner): Promise<void> {
    // Member users get the `partner` role. The role CHECK is rewritten from its current definition
    // (whatever roles other migrations added stay), found by looking it up in pg_constraint.
    await q.query(`
      DO $$
      DECLARE c record;
      BEGIN
        SELECT conname, pg_get_constraintdef(oid) AS def INTO c
          FROM pg_constraint
         WHERE conrelid = 'users'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%role%'
         LIMIT 1;
        IF c.conname IS NULL THEN
          ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('referrer','supplier','finance','marketer','admin','partner'));
        ELSIF position('''partner''' in c.def) = 0 THEN
          EXECUTE format('ALTER TABLE users DROP CONSTRAINT %I', c.conname);
          IF position('ARRAY[' in c.def) > 0 THEN
            EXECUTE format('ALTER TABLE users ADD CONSTRAINT %I ', c.conname) || replace(c.def, 'ARRAY[', 'ARRAY[''partner''::text, ');
          ELSE
            EXECUTE format('ALTER TABLE users ADD CONSTRAINT %I CHECK (role IN (''referrer'',''supplier'',''finance'',''marketer'',''admin'',''partner''))', c.conname);
          END IF;
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE exchange_rules_versions (
        id serial PRIMARY KEY,
        version int NOT NULL UNIQUE,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES users(id)
      )`);
    await q.query(`INSERT INTO exchange_rules_versions (version, text) VALUES (1, $1)`, [RULES_V1]);
    await q.query(`CREATE TRIGGER exchange_rules_versions_immutable BEFORE UPDATE OR DELETE ON exchange_rules_versions FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE exchange_tags (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,47}$'),
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE exchange_settings (
        id smallint PRIMARY KEY CHECK (id = 1),
        scoring_rules jsonb NOT NULL,
        sales_ready_min int NOT NULL CHECK (sales_ready_min BETWEEN 1 AND 625),
        nurture_min int NOT NULL CHECK (nurture_min BETWEEN 1 AND 625),
        accept_timeout_minutes int NOT NULL CHECK (accept_timeout_minutes > 0),
        stale_days int NOT NULL CHECK (stale_days > 0),
        fee_kind text NOT NULL CHECK (fee_kind IN ('none','percent','fixed')),
        fee_bp int NOT NULL DEFAULT 0 CHECK (fee_bp BETWEEN 0 AND 10000),
        fee_fixed bigint NOT NULL DEFAULT 0 CHECK (fee_fixed >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users(id),
        CHECK (nurture_min <= sales_ready_min)
      )`);
    await q.query(
      `INSERT INTO exchange_settings (id, scoring_rules, sales_ready_min, nurture_min, accept_timeout_minutes, stale_days, fee_kind)
       VALUES (1, $1, 81, 16, 2880, 14, 'none')`,
      [JSON.stringify(DEFAULT_SCORING)],
    );

    await q.query(`
      CREATE TABLE exchange_members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL UNIQUE REFERENCES users(id),
        company_name text NOT NULL,
        contact_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('applied','admitted','refused')),
        threshold bigint NOT NULL DEFAULT 0 CHECK (threshold >= 0),
        currency char(3) NOT NULL,
        tag_ids int[] NOT NULL DEFAULT '{}',
        regions text[] NOT NULL DEFAULT '{}',
        weekly_capacity int NOT NULL DEFAULT 0 CHECK (weekly_capacity >= 0),
        decided_at timestamptz,
        decided_by uuid REFERENCES users(id),
        refusal_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exchange_members_status ON exchange_members (status)`);

    await q.query(`
      CREATE TABLE exchange_rules_acceptances (
        id bigserial PRIMARY KEY,
        member_id uuid NOT NULL REFERENCES exchange_members(id),
        rules_version int NOT NULL REFERENCES exchange_rules_versions(version),
        accepted_at timestamptz NOT NULL DEFAULT now(),
        ip text NOT NULL,
        user_agent text
      )`);
    await q.query(`CREATE INDEX exchange_rules_acceptances_member ON exchange_rules_acceptances (member_id)`);
    await q.query(`CREATE TRIGGER exchange_rules_acceptances_immutable BEFORE UPDATE OR DELETE ON exchange_rules_acceptances FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE exchange_leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        submitter_member_id uuid REFERENCES exchange_members(id),
        submitted_by uuid REFERENCES users(id),
        channel text NOT NULL CHECK (channel IN ('api','web','csv')),
        company_name text NOT NULL,
        company_key text NOT NULL,
        contact_name text NOT NULL,
        contact_email text,
        contact_phone text,
        tag_ids int[] NOT NULL DEFAULT '{}',
        need_key text NOT NULL,
        needs_text text NOT NULL DEFAULT '',
        region text,
        budget bigint NOT NULL CHECK (budget >= 0),
        currency char(3) NOT NULL,
        authority text NOT NULL,
        need text NOT NULL,
        timeline_days int CHECK (timeline_days IS NULL OR timeline_days >= 0),
        cost bigint CHECK (cost IS NULL OR cost >= 0),
        score_budget smallint NOT NULL CHECK (score_budget BETWEEN 1 AND 5),
        score_authority smallint NOT NULL CHECK (score_authority BETWEEN 1 AND 5),
        score_need smallint NOT NULL CHECK (score_need BETWEEN 1 AND 5),
        score_timing smallint NOT NULL CHECK (score_timing BETWEEN 1 AND 5),
        score int GENERATED ALWAYS AS (score_budget * score_authority * score_need * score_timing) STORED,
        qualification text NOT NULL CHECK (qualification IN ('sales_ready','nurture','disqualified')),
        -- pending: waiting for a router; offered: one member must answer; accepted: a member works it;
        -- with_operator: nobody fits (flagged); not_routed: nurture or disqualified.
        routing_state text NOT NULL CHECK (routing_state IN ('pending','offered','accepted','with_operator','not_routed')),
        flag text,
        deal_status text CHECK (deal_status IN ('accepted','contacted','proposal','won','lost')),
        won_value bigint CHECK (won_value IS NULL OR won_value >= 0),
        lost_reason text,
        receiver_member_id uuid REFERENCES exchange_members(id),
        first_contact_at timestamptz,
        closed_at timestamptz,
        status_changed_at timestamptz,
        nurture_audience_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exchange_leads_pending ON exchange_leads (score DESC, created_at) WHERE routing_state = 'pending'`);
    await q.query(`CREATE INDEX exchange_leads_rank ON exchange_leads (score DESC, created_at DESC)`);
    await q.query(`CREATE INDEX exchange_leads_duplicates ON exchange_leads (company_key, need_key, created_at)`);
    await q.query(`CREATE INDEX exchange_leads_submitter ON exchange_leads (submitter_member_id, created_at DESC)`);
    await q.query(`CREATE INDEX exchange_leads_receiver ON exchange_leads (receiver_member_id) WHERE receiver_member_id IS NOT NULL`);
    // Routing reads every member's closed deals per batch (win rates); only closed rows are indexed.
    await q.query(`CREATE INDEX exchange_leads_closed ON exchange_leads (receiver_member_id) WHERE deal_status IN ('won','lost')`);

    await q.query(`
      CREATE TABLE exchange_assignments (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL REFERENCES exchange_leads(id),
        member_id uuid NOT NULL REFERENCES exchange_members(id),
        state text NOT NULL CHECK (state IN ('offered','accepted','declined','expired')),
        offered_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        responded_at timestamptz,
        decline_reason text,
        UNIQUE (lead_id, member_id)
      )`);
    // The guarantee behind "exactly one member": at most one live assignment per lead.
    await q.query(`CREATE UNIQUE INDEX exchange_assignments_one_active ON exchange_assignments (lead_id) WHERE state IN ('offered','accepted')`);
    await q.query(`CREATE INDEX exchange_assignments_member_week ON exchange_assignments (member_id, offered_at) WHERE state IN ('offered','accepted')`);
    await q.query(`CREATE INDEX exchange_assignments_expiry ON exchange_assignments (expires_at) WHERE state = 'offered'`);

    await q.query(`
      CREATE TABLE exchange_score_overrides (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL REFERENCES exchange_leads(id),
        dimension text NOT NULL CHECK (dimension IN ('budget','authority','need','timing')),
        old_score smallint NOT NULL,
        new_score smallint NOT NULL CHECK (new_score BETWEEN 1 AND 5),
        reason text NOT NULL CHECK (length(reason) > 0),
        actor_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exchange_score_overrides_lead ON exchange_score_overrides (lead_id)`);
    await q.query(`CREATE TRIGGER exchange_score_overrides_immutable BEFORE UPDATE OR DELETE ON exchange_score_overrides FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE exchange_deal_events (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL REFERENCES exchange_leads(id),
        member_id uuid NOT NULL REFERENCES exchange_members(id),
        status text NOT NULL CHECK (status IN ('accepted','contacted','proposal','won','lost')),
        won_value bigint,
        lost_reason text,
        private_note text,
        actor_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exchange_deal_events_lead ON exchange_deal_events (lead_id, id)`);
    await q.query(`CREATE TRIGGER exchange_deal_events_immutable BEFORE UPDATE OR DELETE ON exchange_deal_events FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE exchange_fees (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL UNIQUE REFERENCES exchange_leads(id),
        member_id uuid NOT NULL REFERENCES exchange_members(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        basis text NOT NULL,
        posting_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'exchange_fees',
      'exchange_deal_events',
      'exchange_score_overrides',
      'exchange_assignments',
      'exchange_leads',
      'exchange_rules_acceptances',
      'exchange_members',
      'exchange_settings',
      'exchange_tags',
      'exchange_rules_versions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
