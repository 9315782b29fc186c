import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../access/access.decorators';
import { AuthService } from '../../auth/auth.service';
import { Role } from '../../access/role';
import { ExchangeErrorCode, ExchangeException, parseMinor } from '../exchange.exception';
import { RoutingService } from '../routing/routing.service';
import { RulesService } from '../rules/rules.service';
import { TagService } from '../tags/tag.service';
import { ApplicationView, ApplyDto, MemberProfileDto, MemberView } from './member.dto';

export type MemberAction = 'suspend' | 'reinstate' | 'expel';

export interface ApplicationContext {
  ip: string;
  userAgent?: string;
}

const MEMBER_SELECT = `
  SELECT m.*, u.email,
         (SELECT array_agg(t.slug ORDER BY t.slug) FROM exchange_tags t WHERE t.id = ANY(m.tag_ids)) AS tag_slugs,
         a.rules_version, a.accepted_at, a.ip
    FROM exchange_members m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN LATERAL (SELECT rules_version, accepted_at, ip FROM exchange_rules_acceptances WHERE member_id = m.id ORDER BY id LIMIT 1) a ON true`;

/** Membership: applications, the operator's decision, and each member's declared profile. */
@Injectable()
export class MemberService {
  constructor(
    private readonly db: DataSource,
    private readonly auth: AuthService,
    private readonly rules: RulesService,
    private readonly tags: TagService,
    private readonly routing: RoutingService,
  ) {}

  /** Account, application and rules acceptance in one transaction: a refusal at any step writes nothing. */
  async apply(dto: ApplyDto, ctx: ApplicationContext): Promise<ApplicationView> {
    const { memberId, user } = await this.db.transaction(async (m) => {
      const version = await this.rules.assertCurrentAccepted(m, dto.acceptedRulesVersion);
      const user = await this.auth.createUser(m, dto.email, dto.password, Role.Partner);
      const [row] = await m.query(
        `INSERT INTO exchange_members (user_id, company_name, contact_name, status, currency)
         SELECT $1, $2, $3, 'applied', currency FROM program_settings WHERE id = 1 RETURNING id`,
        [user.id, dto.companyName.trim(), dto.contactName.trim()],
      );
      await m.query(`INSERT INTO exchange_rules_acceptances (member_id, rules_version, ip, user_agent) VALUES ($1, $2, $3, $4)`, [
        row.id,
        version,
        ctx.ip,
        ctx.userAgent?.slice(0, 500) ?? null,
      ]);
      return { memberId: row.id as string, user };
    });
    const token = await this.auth.issueToken({ id: user.id, email: user.email, role: Role.Partner });
    return { accessToken: token.accessToken, expiresIn: token.expiresIn, member: await this.view(memberId) };
  }

  async decide(memberId: string, admit: boolean, actorId: string, reason?: string): Promise<MemberView> {
    const userId = await this.db.transaction(async (m) => {
      const [row] = await m.query(`SELECT status, user_id FROM exchange_members WHERE id = $1 FOR UPDATE`, [memberId]);
      if (!row) throw new ExchangeException(ExchangeErrorCode.MEMBER_NOT_FOUND, `No member ${memberId}`);
      if (row.status !== 'applied') throw new ExchangeException(ExchangeErrorCode.MEMBER_ALREADY_DECIDED, `The application was already ${row.status}`);
      await m.query(`UPDATE exchange_members SET status = $2, decided_at = now(), decided_by = $3, refusal_reason = $4 WHERE id = $1`, [
        memberId,
        admit ? 'admitted' : 'refused',
        actorId,
        admit ? null : (reason ?? null),
      ]);
      return row.user_id as string;
    });
    // A refused company cannot sign in (its account is disabled, any session ends).
    if (!admit) await this.auth.setDisabled({ id: actorId } as AuthUser, userId, true);
    return this.view(memberId);
  }

  /**
   * The operator suspends an admitted member (no offers until reinstated; it can still sign in and
   * see its leads), reinstates a suspended one, or expels a member (its account is closed). A
   * suspended or expelled member's open offers are withdrawn and go to the next best member.
   */
  async changeStatus(memberId: string, action: MemberAction, actorId: string, reason: string): Promise<MemberView> {
    const allowed: Record<MemberAction, { from: string[]; to: string }> = {
      suspend: { from: ['admitted'], to: 'suspended' },
      reinstate: { from: ['suspended'], to: 'admitted' },
      expel: { from: ['admitted', 'suspended'], to: 'expelled' },
    };
    const rule = allowed[action];
    const { userId, rerouted } = await this.db.transaction(async (m) => {
      const [row] = await m.query(`SELECT status, user_id FROM exchange_members WHERE id = $1 FOR UPDATE`, [memberId]);
      if (!row) throw new ExchangeException(ExchangeErrorCode.MEMBER_NOT_FOUND, `No member ${memberId}`);
      if (!rule.from.includes(row.status)) {
        throw new ExchangeException(ExchangeErrorCode.MEMBER_STATUS_CHANGE_REFUSED, `A ${row.status} member cannot be ${rule.to}`, { status: row.status, action });
      }
      await m.query(`UPDATE exchange_members SET status = $2, status_reason = $3, status_changed_at = now(), decided_by = $4 WHERE id = $1`, [memberId, rule.to, reason.trim(), actorId]);
      const rerouted = action === 'reinstate' ? [] : await this.routing.withdrawOffers(m, { memberId }, `member ${rule.to}`, 'pending');
      return { userId: row.user_id as string, rerouted };
    });
    if (action === 'expel') await this.auth.setDisabled({ id: actorId } as AuthUser, userId, true);
    await this.routing.routeAfterCommit(rerouted);
    return this.view(memberId);
  }

  async updateProfile(memberId: string, dto: MemberProfileDto): Promise<MemberView> {
    const threshold = parseMinor(dto.threshold, 'threshold');
    await this.db.transaction(async (m) => {
      const tagIds = await this.tags.resolve(dto.tags, m);
      const regions = [...new Set((dto.regions ?? []).map((r) => r.trim().toLowerCase()).filter((r) => r.length > 0))].sort();
      const sizes = [...new Set(dto.companySizes ?? [])].sort();
      await m.query(`UPDATE exchange_members SET threshold = $2, tag_ids = $3, regions = $4, weekly_capacity = $5, company_sizes = $6 WHERE id = $1`, [
        memberId,
        threshold.toString(),
        tagIds,
        regions,
        dto.weeklyCapacity,
        sizes,
      ]);
    });
    return this.view(memberId);
  }

  /** The member behind a partner account; `admitted` refuses applicants and refused companies. */
  async memberOfUser(userId: string, requireAdmitted = true, m: EntityManager = this.db.manager): Promise<{ id: string; status: string }> {
    const [row] = await m.query(`SELECT id, status FROM exchange_members WHERE user_id = $1`, [userId]);
    if (!row) throw new ExchangeException(ExchangeErrorCode.NOT_A_MEMBER, 'This account is not an exchange member');
    if (requireAdmitted && row.status !== 'admitted') {
      throw new ExchangeException(ExchangeErrorCode.MEMBER_NOT_ADMITTED, `The membership is ${row.status}; only admitted members take part`, { status: row.status });
    }
    return row;
  }

  async view(memberId: string): Promise<MemberView> {
    const [row] = await this.db.query(`${MEMBER_SELECT} WHERE m.id = $1`, [memberId]);
    if (!row) throw new ExchangeException(ExchangeErrorCode.MEMBER_NOT_FOUND, `No member ${memberId}`);
    return toView(row);
  }

  async list(status?: string): Promise<MemberView[]> {
    const rows = await this.db.query(`${MEMBER_SELECT} WHERE ($1::text IS NULL OR m.status = $1) ORDER BY m.created_at DESC, m.id`, [status ?? null]);
    return rows.map(toView);
  }
}

function toView(r: any): MemberView {
  return {
    id: r.id,
    email: r.email,
    companyName: r.company_name,
    contactName: r.contact_name,
    status: r.status,
    threshold: BigInt(r.threshold),
    currency: String(r.currency).trim(),
    tags: r.tag_slugs ?? [],
    regions: r.regions ?? [],
    weeklyCapacity: r.weekly_capacity,
    companySizes: r.company_sizes ?? [],
    statusReason: r.status_reason ?? null,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    refusalReason: r.refusal_reason,
    rules: { version: r.rules_version, acceptedAt: r.accepted_at, ip: r.ip },
  };
}
