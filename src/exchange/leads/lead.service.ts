import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { ExchangeErrorCode, ExchangeException, parseMinor } from '../exchange.exception';
import { MemberService } from '../members/member.service';
import { RoutingService } from '../routing/routing.service';
import { Dimension, product, qualify, scoreLead, ScoringRuleError } from '../scoring/scoring';
import { ExchangeSettingsService } from '../settings/settings.service';
import { TagService } from '../tags/tag.service';
import { CsvImportView, DealEventView, LeadView, OverrideScoreDto, ScoreOverrideView, StaleLeadView, SubmitLeadDto, SubmittedLeadView } from './lead.dto';
import { companyKey, forReceiver, LEAD_SELECT, needKey, toLeadView, toSubmittedView } from './lead.views';
import { likeContains } from '../../common/sql/like';

export type Channel = 'api' | 'web' | 'csv';

/** What the operator's list can be narrowed to. */
export interface LeadFilter {
  qualification?: string;
  routingState?: string;
  flagged?: boolean;
  /** Part of the company, contact name or contact email (case-insensitive). */
  q?: string;
}

/** Who submits: a member (memberId) or the operator (memberId null). */
export interface Submitter {
  /** The account that submitted; null from the CLI. */
  userId: string | null;
  memberId: string | null;
}

const DUPLICATE_WINDOW_DAYS = 30;

/** Leads: intake with scoring and qualification, duplicate refusal, score overrides, who sees what. */
@Injectable()
export class LeadService {
  constructor(
    private readonly db: DataSource,
    private readonly settings: ExchangeSettingsService,
    private readonly tags: TagService,
    private readonly members: MemberService,
    private readonly routing: RoutingService,
  ) {}

  /** The submitter for an account: the operator (admin) or an admitted member. */
  async submitterFor(user: AuthUser): Promise<Submitter> {
    if (user.role === Role.Admin) return { userId: user.id, memberId: null };
    return { userId: user.id, memberId: (await this.members.memberOfUser(user.id)).id };
  }

  async submit(dto: SubmitLeadDto, by: Submitter, channel: Channel): Promise<LeadView> {
    const id = await this.db.transaction((m) => this.insert(m, dto, by, channel));
    await this.routing.routeAfterCommit([id]);
    return this.view(id);
  }

  /**
   * Validates, scores and stores one lead. A lead for the same company and need within 30 days is
   * refused as DUPLICATE_LEAD (from any submitter: it must not be routed twice); an advisory lock on
   * the company key makes two simultaneous submissions of one lead see each other.
   */
  private async insert(m: EntityManager, dto: SubmitLeadDto, by: Submitter, channel: Channel): Promise<string> {
    const prepared = await this.prepare(m, dto);
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('exchange-lead:' || $1))`, [prepared.companyKey]);
    const [dup] = await m.query(
      `SELECT id FROM exchange_leads WHERE company_key = $1 AND need_key = $2 AND created_at > now() - make_interval(days => $3) ORDER BY created_at LIMIT 1`,
      [prepared.companyKey, prepared.needKey, DUPLICATE_WINDOW_DAYS],
    );
    if (dup) {
      throw new ExchangeException(ExchangeErrorCode.DUPLICATE_LEAD, `A lead for this company and need was submitted within ${DUPLICATE_WINDOW_DAYS} days; it is not routed twice`, {
        duplicateOf: dup.id,
      });
    }
    const s = prepared.scores;
    const [row] = await m.query(
      `INSERT INTO exchange_leads (submitter_member_id, submitted_by, channel, company_name, company_key, contact_name, contact_email, contact_phone,
              tag_ids, need_key, needs_text, region, budget, currency, authority, need, timeline_days, cost,
              score_budget, score_authority, score_need, score_timing, qualification, routing_state, company_size)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, p.currency, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24
         FROM program_settings p WHERE p.id = 1 RETURNING id`,
      [
        by.memberId,
        by.userId,
        channel,
        dto.companyName.trim(),
        prepared.companyKey,
        dto.contactName.trim(),
        dto.contactEmail?.trim().toLowerCase() ?? null,
        dto.contactPhone?.trim() ?? null,
        prepared.tagIds,
        prepared.needKey,
        (dto.needsText ?? '').trim(),
        dto.region ? dto.region.trim().toLowerCase() : null,
        prepared.budget.toString(),
        dto.authority,
        dto.need,
        dto.timelineDays ?? null,
        prepared.cost?.toString() ?? null,
        s.budget,
        s.authority,
        s.need,
        s.timing,
        prepared.qualification,
        prepared.qualification === 'sales_ready' ? 'pending' : 'not_routed',
        dto.companySize ?? null,
      ],
    );
    return row.id;
  }

  private async prepare(m: EntityManager, dto: SubmitLeadDto) {
    const budget = parseMinor(dto.budget, 'budget');
    const cost = dto.cost === undefined ? null : parseMinor(dto.cost, 'cost');
    const tagIds = await this.tags.resolve(dto.tags, m);
    const settings = await this.settings.get(m);
    let scores;
    try {
      scores = scoreLead(settings.rules, { budget, authority: dto.authority, need: dto.need, timelineDays: dto.timelineDays ?? null });
    } catch (err) {
      if (err instanceof ScoringRuleError) throw new ExchangeException(ExchangeErrorCode.LEAD_INVALID, err.message);
      throw err;
    }
    const qualification = qualify(product(scores), settings.thresholds);
    return { budget, cost, tagIds, scores, qualification, companyKey: companyKey(dto.companyName), needKey: needKey(tagIds, dto.needsText ?? '') };
  }

  /**
   * CSV import by the operator. Every row is validated first; one bad row refuses the whole file
   * (CSV_INVALID, nothing stored). Rows duplicating a recent lead are flagged in the answer and skipped.
   */
  async importCsv(csv: string, by: Submitter): Promise<CsvImportView> {
    let records: Record<string, string>[];
    try {
      records = parse(csv, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
    } catch (err) {
      throw new ExchangeException(ExchangeErrorCode.CSV_INVALID, `The CSV cannot be read: ${(err as Error).message}`);
    }
    if (records.length === 0) throw new ExchangeException(ExchangeErrorCode.CSV_INVALID, 'The CSV has no data rows');
    const dtos: SubmitLeadDto[] = [];
    const problems: { row: number; problem: string }[] = [];
    for (const [i, r] of records.entries()) {
      const plain: Record<string, unknown> = {
        companyName: r.company,
        contactName: r.contact_name,
        contactEmail: r.contact_email || undefined,
        contactPhone: r.contact_phone || undefined,
        tags: (r.tags ?? '').split(/[;|]/).map((t) => t.trim()).filter(Boolean),
        needsText: r.needs || undefined,
        region: r.region || undefined,
        budget: r.budget,
        authority: r.authority,
        need: r.need,
        timelineDays: r.timeline_days ? Number(r.timeline_days) : undefined,
        cost: r.cost || undefined,
      };
      const dto = plainToInstance(SubmitLeadDto, plain);
      const errors = await validate(dto, { whitelist: true });
      if (errors.length > 0) {
        problems.push({ row: i + 1, problem: errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ') });
        continue;
      }
      try {
        await this.prepare(this.db.manager, dto);
      } catch (err) {
        if (err instanceof ExchangeException) {
          problems.push({ row: i + 1, problem: `${err.code}: ${err.message}` });
          continue;
        }
        throw err;
      }
      dtos.push(dto);
    }
    if (problems.length > 0) throw new ExchangeException(ExchangeErrorCode.CSV_INVALID, `${problems.length} row(s) are invalid; nothing was imported`, { rows: problems });
    const rows: CsvImportView['rows'] = [];
    const created: string[] = [];
    for (const [i, dto] of dtos.entries()) {
      try {
        const id = await this.db.transaction((m) => this.insert(m, dto, by, 'csv'));
        created.push(id);
        rows.push({ row: i + 1, outcome: 'created', leadId: id });
      } catch (err) {
        if (err instanceof ExchangeException && err.code === ExchangeErrorCode.DUPLICATE_LEAD) {
          rows.push({ row: i + 1, outcome: 'duplicate', leadId: (err.details as { duplicateOf: string }).duplicateOf });
          continue;
        }
        throw err;
      }
    }
    await this.routing.routeAfterCommit(created);
    return { created: created.length, duplicates: rows.length - created.length, rows };
  }

  /** A person corrects one score with a reason (audited); the lead is requalified and, if now sales-ready, routed. */
  async overrideScore(leadId: string, dto: OverrideScoreDto, actorId: string): Promise<LeadView> {
    const column: Record<Dimension, string> = { budget: 'score_budget', authority: 'score_authority', need: 'score_need', timing: 'score_timing' };
    const route = await this.db.transaction(async (m) => {
      const [lead] = await m.query(`SELECT * FROM exchange_leads WHERE id = $1 FOR UPDATE`, [leadId]);
      if (!lead) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
      const scores = { budget: lead.score_budget, authority: lead.score_authority, need: lead.score_need, timing: lead.score_timing, [dto.dimension]: dto.score };
      const qualification = qualify(product(scores), (await this.settings.get(m)).thresholds);
      await m.query(`INSERT INTO exchange_score_overrides (lead_id, dimension, old_score, new_score, reason, actor_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
        leadId,
        dto.dimension,
        lead[column[dto.dimension]],
        dto.score,
        dto.reason.trim(),
        actorId,
      ]);
      // An accepted lead stays with its member. An offered one that is no longer sales-ready is
      // withdrawn from the partner's inbox; one not yet with a member is routed or held back.
      let state = lead.routing_state;
      if (state === 'not_routed' && qualification === 'sales_ready') state = 'pending';
      else if ((state === 'pending' || state === 'with_operator') && qualification !== 'sales_ready') state = 'not_routed';
      else if (state === 'offered' && qualification !== 'sales_ready') {
        await this.routing.withdrawOffers(m, { leadIds: [leadId] }, `requalified as ${qualification}`, 'not_routed');
        state = 'not_routed';
      }
      await m.query(`UPDATE exchange_leads SET ${column[dto.dimension]} = $2, qualification = $3, routing_state = $4 WHERE id = $1`, [leadId, dto.score, qualification, state]);
      return state === 'pending';
    });
    if (route) await this.routing.routeAfterCommit([leadId]);
    return this.view(leadId);
  }

  /**
   * The member that accepted a lead writes, once, why it is the right company for this client; the
   * submitter sees it beside the receiver's name, for the client conversation.
   */
  async writeHandoff(leadId: string, memberId: string, text: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [a] = await m.query(`SELECT id, handoff_text FROM exchange_assignments WHERE lead_id = $1 AND member_id = $2 AND state = 'accepted' FOR UPDATE`, [leadId, memberId]);
      if (!a) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_ACCEPTED, 'Only the company that accepted this lead writes its hand-off text');
      if (a.handoff_text) throw new ExchangeException(ExchangeErrorCode.HANDOFF_ALREADY_WRITTEN, 'The hand-off text of this lead was already written');
      await m.query(`UPDATE exchange_assignments SET handoff_text = $2 WHERE id = $1`, [a.id, text.trim()]);
    });
  }

  /** The audit trail of score overrides, oldest first. */
  async overrides(leadId: string): Promise<ScoreOverrideView[]> {
    const rows = await this.db.query(`SELECT dimension, old_score, new_score, reason, actor_id, created_at FROM exchange_score_overrides WHERE lead_id = $1 ORDER BY id`, [leadId]);
    return rows.map((r: any) => ({ dimension: r.dimension, oldScore: r.old_score, newScore: r.new_score, reason: r.reason, actorId: r.actor_id, createdAt: r.created_at }));
  }

  async view(leadId: string): Promise<LeadView> {
    const [row] = await this.db.query(`${LEAD_SELECT} WHERE l.id = $1`, [leadId]);
    if (!row) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
    return toLeadView(row, await this.history(leadId));
  }

  /** The lead as its receiving member sees it (after accepting or moving the deal). */
  async receiverView(leadId: string): Promise<LeadView> {
    return forReceiver(await this.view(leadId));
  }

  /**
   * One lead as this account may see it: the operator sees everything; the member it is offered to
   * or accepted by sees it whole; the submitter sees its status only; anyone else gets LEAD_NOT_VISIBLE.
   */
  async viewFor(leadId: string, user: AuthUser): Promise<LeadView | SubmittedLeadView> {
    if (user.role === Role.Admin) return this.view(leadId);
    const member = await this.members.memberOfUser(user.id);
    const [row] = await this.db.query(`${LEAD_SELECT} WHERE l.id = $1`, [leadId]);
    if (!row) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
    if (row.receiver_member_id === member.id) return forReceiver(toLeadView(row, await this.history(leadId)));
    if (row.submitter_member_id === member.id) return toSubmittedView(row, await this.history(leadId));
    throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_VISIBLE, 'This lead is neither routed to nor submitted by your company');
  }

  /** Operator's list, best score first, with the total the filter matches (for paging). */
  async list(filter: LeadFilter & { limit: number; offset: number }): Promise<LeadView[]> {
    return (await this.page(filter)).items;
  }

  async page(filter: LeadFilter & { limit: number; offset: number }): Promise<{ items: LeadView[]; total: number }> {
    const where = `($1::text IS NULL OR l.qualification = $1) AND ($2::text IS NULL OR l.routing_state = $2) AND ($3::boolean IS NOT TRUE OR l.flag IS NOT NULL)
        AND ($4::text IS NULL OR l.company_name ILIKE $4 OR l.contact_name ILIKE $4 OR l.contact_email ILIKE $4)`;
    const q = filter.q?.trim() ? likeContains(filter.q.trim()) : null;
    const params = [filter.qualification ?? null, filter.routingState ?? null, filter.flagged ?? null, q];
    const [rows, [{ n }]] = await Promise.all([
      this.db.query(`${LEAD_SELECT} WHERE ${where} ORDER BY l.score DESC, l.created_at DESC, l.id LIMIT $5 OFFSET $6`, [...params, filter.limit, filter.offset]),
      this.db.query(`SELECT count(*)::int AS n FROM exchange_leads l WHERE ${where}`, params),
    ]);
    return { items: rows.map((r: any) => toLeadView(r, [])), total: n };
  }

  /** The leads a member passed on, best score first, with status but no receiver notes. */
  async submittedBy(memberId: string): Promise<SubmittedLeadView[]> {
    const rows = await this.db.query(`${LEAD_SELECT} WHERE l.submitter_member_id = $1 ORDER BY l.score DESC, l.created_at DESC LIMIT 500`, [memberId]);
    const histories = await this.histories(rows.map((r: any) => r.id));
    return rows.map((r: any) => toSubmittedView(r, histories.get(r.id) ?? []));
  }

  /** Leads offered to or accepted by a member, best score first. */
  async inbox(memberId: string): Promise<LeadView[]> {
    const rows = await this.db.query(`${LEAD_SELECT} WHERE l.receiver_member_id = $1 ORDER BY l.routing_state = 'offered' DESC, l.score DESC, l.created_at DESC LIMIT 500`, [memberId]);
    const histories = await this.histories(rows.map((r: any) => r.id));
    return rows.map((r: any) => forReceiver(toLeadView(r, histories.get(r.id) ?? [])));
  }

  /** Accepted, still-open leads with no status change for `staleDays`: the operator chases their members. */
  async stale(): Promise<StaleLeadView[]> {
    const { staleDays } = await this.settings.get();
    const rows = await this.db.query(
      `SELECT l.id, l.company_name, l.receiver_member_id, m.company_name AS member_company, l.deal_status, l.status_changed_at,
              floor(extract(epoch FROM now() - l.status_changed_at) / 86400)::int AS days
         FROM exchange_leads l JOIN exchange_members m ON m.id = l.receiver_member_id
        WHERE l.routing_state = 'accepted' AND l.deal_status NOT IN ('won','lost') AND l.status_changed_at < now() - make_interval(days => $1)
        ORDER BY l.status_changed_at`,
      [staleDays],
    );
    return rows.map((r: any) => ({
      id: r.id,
      companyName: r.company_name,
      memberId: r.receiver_member_id,
      memberCompany: r.member_company,
      dealStatus: r.deal_status,
      statusChangedAt: r.status_changed_at,
      daysStale: r.days,
    }));
  }

  private async history(leadId: string): Promise<DealEventView[]> {
    return (await this.histories([leadId])).get(leadId) ?? [];
  }

  private async histories(ids: string[]): Promise<Map<string, DealEventView[]>> {
    const out = new Map<string, DealEventView[]>();
    if (ids.length === 0) return out;
    const rows = await this.db.query(`SELECT lead_id, status, created_at, won_value, lost_reason, private_note FROM exchange_deal_events WHERE lead_id = ANY($1) ORDER BY id`, [ids]);
    for (const r of rows) {
      const list = out.get(r.lead_id) ?? [];
      list.push({ status: r.status, at: r.created_at, wonValue: r.won_value, lostReason: r.lost_reason, note: r.private_note });
      out.set(r.lead_id, list);
    }
    return out;
  }
}
