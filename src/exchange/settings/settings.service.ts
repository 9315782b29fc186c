import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExchangeErrorCode, ExchangeException } from '../exchange.exception';
import { FeePayer, FeeRule } from '../fees/fee';
import { RoutingMode } from '../routing/match';
import { ScoringRuleError, ScoringRules, Thresholds, validateRules, validateThresholds } from '../scoring/scoring';
import { ExchangeSettingsView, UpdateExchangeSettingsDto } from './settings.dto';

export interface ExchangeSettings {
  rules: ScoringRules;
  thresholds: Thresholds;
  acceptTimeoutMinutes: number;
  staleDays: number;
  fee: FeeRule;
  feePayer: FeePayer;
  routingMode: RoutingMode;
  currency: string;
}

/** The operator's knobs: scoring rules, qualification thresholds, answer time, staleness, fee. */
@Injectable()
export class ExchangeSettingsService {
  constructor(private readonly db: DataSource) {}

  async get(m: EntityManager = this.db.manager): Promise<ExchangeSettings> {
    const [r] = await m.query(`SELECT s.*, p.currency FROM exchange_settings s CROSS JOIN program_settings p WHERE s.id = 1 AND p.id = 1`);
    return toSettings(r);
  }

  async view(): Promise<ExchangeSettingsView> {
    const [r] = await this.db.query(`SELECT s.*, p.currency FROM exchange_settings s CROSS JOIN program_settings p WHERE s.id = 1 AND p.id = 1`);
    return toView(r);
  }

  async update(dto: UpdateExchangeSettingsDto, actorId: string): Promise<ExchangeSettingsView> {
    return this.db.transaction(async (m) => {
      const [r] = await m.query(`SELECT s.*, p.currency FROM exchange_settings s CROSS JOIN program_settings p WHERE s.id = 1 AND p.id = 1 FOR UPDATE OF s`);
      const next = { ...r };
      if (dto.scoringRules !== undefined) next.scoring_rules = dto.scoringRules;
      if (dto.salesReadyMin !== undefined) next.sales_ready_min = dto.salesReadyMin;
      if (dto.nurtureMin !== undefined) next.nurture_min = dto.nurtureMin;
      if (dto.acceptTimeoutMinutes !== undefined) next.accept_timeout_minutes = dto.acceptTimeoutMinutes;
      if (dto.staleDays !== undefined) next.stale_days = dto.staleDays;
      if (dto.feeKind !== undefined) next.fee_kind = dto.feeKind;
      if (dto.feeBp !== undefined) next.fee_bp = dto.feeBp;
      if (dto.feeFixed !== undefined) next.fee_fixed = BigInt(dto.feeFixed);
      if (dto.routingMode !== undefined) next.routing_mode = dto.routingMode;
      if (dto.feePayer !== undefined) next.fee_payer = dto.feePayer;
      try {
        validateRules(next.scoring_rules as ScoringRules);
        validateThresholds({ salesReadyMin: next.sales_ready_min, nurtureMin: next.nurture_min });
      } catch (err) {
        if (err instanceof ScoringRuleError) throw new ExchangeException(ExchangeErrorCode.SCORING_RULES_INVALID, err.message);
        throw err;
      }
      await m.query(
        `UPDATE exchange_settings SET scoring_rules = $1, sales_ready_min = $2, nurture_min = $3, accept_timeout_minutes = $4, stale_days = $5,
                fee_kind = $6, fee_bp = $7, fee_fixed = $8, routing_mode = $10, fee_payer = $11, updated_at = now(), updated_by = $9 WHERE id = 1`,
        [JSON.stringify(next.scoring_rules), next.sales_ready_min, next.nurture_min, next.accept_timeout_minutes, next.stale_days, next.fee_kind, next.fee_bp, String(next.fee_fixed), actorId, next.routing_mode, next.fee_payer],
      );
      return toView(next);
    });
  }
}

function toSettings(r: any): ExchangeSettings {
  const fee: FeeRule = r.fee_kind === 'percent' ? { kind: 'percent', bp: r.fee_bp } : r.fee_kind === 'fixed' ? { kind: 'fixed', amount: BigInt(r.fee_fixed) } : { kind: 'none' };
  return {
    rules: r.scoring_rules,
    thresholds: { salesReadyMin: r.sales_ready_min, nurtureMin: r.nurture_min },
    acceptTimeoutMinutes: r.accept_timeout_minutes,
    staleDays: r.stale_days,
    fee,
    feePayer: r.fee_payer,
    routingMode: r.routing_mode,
    currency: String(r.currency).trim(),
  };
}

function toView(r: any): ExchangeSettingsView {
  return {
    scoringRules: r.scoring_rules,
    salesReadyMin: r.sales_ready_min,
    nurtureMin: r.nurture_min,
    acceptTimeoutMinutes: r.accept_timeout_minutes,
    staleDays: r.stale_days,
    feeKind: r.fee_kind,
    feeBp: r.fee_bp,
    feeFixed: BigInt(r.fee_fixed),
    feePayer: r.fee_payer,
    routingMode: r.routing_mode,
    currency: String(r.currency).trim(),
  };
}
