import { Injectable } from '@nestjs/common';
import { CommonException } from '../common/errors/common.exception';
import { DomainException } from '../common/errors/domain.exception';
import { Locale, translate } from '../i18n/messages';
import { isKnownCurrency } from '../money/money';
import { formatBasisPointsPercent, formatCount, formatMoney, minorToDecimalString, pluralCategory } from '../money/money-format';
import { parseMoneyInput } from '../money/money-input';
import { parsePercentInput } from '../money/percent-input';
import { UpdateProgramDto } from '../program/program.dto';
import { ProgramErrorCode } from '../program/program.exception';
import { ProgramField, ProgramService } from '../program/program.service';
import { ProgramSettings } from '../program/program-settings.entity';
import { errorText } from '../web/format-helpers';
import { parseForm } from '../web/form';

/** The settings form's fields, as typed (percent and major units, as people write them). */
export interface SettingsForm {
  name: string;
  currency: string;
  budget: string;
  discountMin: string;
  discountMax: string;
  commissionLimit: 'months' | 'unlimited';
  commissionMonths: string;
  holdDays: string;
  payoutMinimum: string;
  timeZone: string;
  bonus: string;
  bonusMode: 'in_addition' | 'instead';
}

/** The form field each setting is typed in. */
const FORM_FIELD: Record<string, keyof SettingsForm> = {
  name: 'name',
  currency: 'currency',
  budgetBp: 'budget',
  discountMinBp: 'discountMin',
  discountMaxBp: 'discountMax',
  commissionMonths: 'commissionMonths',
  holdDays: 'holdDays',
  payoutMinimum: 'payoutMinimum',
  timeZone: 'timeZone',
  bonusAmount: 'bonus',
  bonusMode: 'bonusMode',
};

export type SaveResult = { ok: true } | { ok: false; status: number; fieldErrors: Partial<Record<keyof SettingsForm, string>> };

export interface HistoryRow {
  changedAt: Date;
  who: string | null;
  label: string;
  before: string;
  after: string;
}

const text = (v: unknown, max = 200): string => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * The program settings as a page: the form's text ↔ the program's settings, and the recorded
 * changes in people's words. Every rule on the values is ProgramService's and UpdateProgramDto's.
 */
@Injectable()
export class AdminSettingsService {
  constructor(private readonly program: ProgramService) {}

  /** The form filled with the settings in force. */
  formOf(s: ProgramSettings, locale: Locale): SettingsForm {
    const pct = (bp: number) => formatBasisPointsPercent(locale, bp, 2, true).replace(/\s*%$/, '');
    const majorText = (minor: bigint) => {
      const text = minorToDecimalString(minor, s.currency.trim());
      return locale === 'ru' ? text.replace('.', ',') : text;
    };
    const minimum = minorToDecimalString(s.payoutMinimum, s.currency.trim());
    return {
      name: s.name,
      currency: s.currency.trim(),
      budget: pct(s.budgetBp),
      discountMin: pct(s.discountMinBp),
      discountMax: pct(s.discountMaxBp),
      commissionLimit: s.commissionMonths === null ? 'unlimited' : 'months',
      commissionMonths: s.commissionMonths === null ? '' : String(s.commissionMonths),
      holdDays: String(s.holdDays),
      payoutMinimum: locale === 'ru' ? minimum.replace('.', ',') : minimum,
      timeZone: s.timeZone,
      bonus: s.bonusAmount === 0n ? '' : majorText(s.bonusAmount),
      bonusMode: s.bonusMode === 'instead' ? 'instead' : 'in_addition',
    };
  }

  /** What was typed, trimmed to sane lengths (kept in the form when it is refused). */
  typed(body: Record<string, unknown>): SettingsForm {
    return {
      name: text(body.name, 1000),
      currency: text(body.currency, 10).trim().toUpperCase(),
      budget: text(body.budget, 20),
      discountMin: text(body.discountMin, 20),
      discountMax: text(body.discountMax, 20),
      commissionLimit: body.commissionLimit === 'unlimited' ? 'unlimited' : 'months',
      commissionMonths: text(body.commissionMonths, 20),
      holdDays: text(body.holdDays, 20),
      payoutMinimum: text(body.payoutMinimum, 40),
      timeZone: text(body.timeZone, 100),
      bonus: text(body.bonus, 40),
      bonusMode: body.bonusMode === 'instead' ? 'instead' : 'in_addition',
    };
  }

  /** Reads the form into the API's DTO, then changes the settings through ProgramService (which records each change). */
  async save(f: SettingsForm, actorId: string, locale: Locale): Promise<SaveResult> {
    const errors: Partial<Record<keyof SettingsForm, string>> = {};
    const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
    const percent = (field: 'budget' | 'discountMin' | 'discountMax'): number | undefined => {
      try {
        return parsePercentInput(f[field], field);
      } catch (err) {
        if (!(err instanceof CommonException)) throw err;
        errors[field] = t('adminConsole.settings.err.percent');
        return undefined;
      }
    };
    const whole = (field: 'commissionMonths' | 'holdDays'): number | undefined => {
      if (!/^\d{1,6}$/.test(f[field].trim())) {
        errors[field] = t(`adminConsole.settings.err.${field}`);
        return undefined;
      }
      return Number(f[field].trim());
    };
    const current = await this.program.settings();
    const currency = isKnownCurrency(f.currency) ? f.currency : current.currency.trim();
    let payoutMinimum: string | undefined;
    try {
      payoutMinimum = parseMoneyInput(f.payoutMinimum, currency, { field: 'payoutMinimum' }).toString();
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      errors.payoutMinimum = errorText(locale, { code: err.code, message: err.message, details: err.details });
    }
    // An empty bonus is no bonus.
    let bonusAmount: string | undefined;
    try {
      bonusAmount = f.bonus.trim() === '' ? '0' : parseMoneyInput(f.bonus, currency, { field: 'bonus' }).toString();
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      errors.bonus = errorText(locale, { code: err.code, message: err.message, details: err.details });
    }
    const raw = {
      name: f.name,
      currency: f.currency,
      budgetBp: percent('budget'),
      discountMinBp: percent('discountMin'),
      discountMaxBp: percent('discountMax'),
      commissionMonths: f.commissionLimit === 'unlimited' ? null : whole('commissionMonths'),
      holdDays: whole('holdDays'),
      payoutMinimum,
      timeZone: f.timeZone,
      bonusAmount,
      bonusMode: f.bonusMode,
    };
    if (Object.keys(errors).length > 0) return { ok: false, status: 422, fieldErrors: errors };
    let dto: UpdateProgramDto;
    try {
      dto = await parseForm(UpdateProgramDto, raw);
      // parseForm drops empty fields; an emptied name is the program's rule to refuse, not "unchanged".
      if (raw.name.trim() === '') dto.name = raw.name;
      if (raw.commissionMonths === null) dto.commissionMonths = null;
    } catch (err) {
      if (!(err instanceof CommonException)) throw err;
      const fields = Array.isArray(err.details) ? (err.details as { field: string }[]).map((d) => d.field) : [];
      for (const field of fields) {
        const formField = FORM_FIELD[field];
        if (formField) errors[formField] = t(`adminConsole.settings.err.${formField}`);
      }
      return { ok: false, status: 400, fieldErrors: Object.keys(errors).length > 0 ? errors : { name: t('errors.field.invalid') } };
    }
    try {
      await this.program.update(dto, actorId);
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      const field = (err.details as { field?: string } | undefined)?.field;
      const formField = (field && FORM_FIELD[field]) || 'name';
      const message =
        err.code === ProgramErrorCode.PROGRAM_INVALID
          ? t(field === 'discountMinBp' ? 'adminConsole.settings.err.minAboveMax' : 'adminConsole.settings.err.maxAboveBudget')
          : errorText(locale, { code: err.code, message: err.message, details: err.details });
      return { ok: false, status: err.httpStatus, fieldErrors: { [formField]: message } };
    }
    return { ok: true };
  }

  /** The recorded changes, newest first, in the reader's words. */
  async history(locale: Locale, limit: number, offset: number): Promise<{ rows: HistoryRow[]; total: number }> {
    const { rows, total } = await this.program.changes(limit, offset);
    return {
      total,
      rows: rows.map((c) => ({
        changedAt: c.changedAt,
        who: c.changedByEmail,
        label: translate(locale, `adminConsole.field.${c.field}`),
        before: valueText(locale, c.field, c.before, c.currency),
        after: valueText(locale, c.field, c.after, c.currency),
      })),
    };
  }
}

/** A recorded value as a person reads it: percents, money in the program's currency, months or "unlimited". */
export function valueText(locale: Locale, field: ProgramField, value: string | null, currency: string): string {
  if (value === null) return translate(locale, field === 'commissionMonths' ? 'adminConsole.settings.unlimited' : 'adminConsole.settings.none');
  switch (field) {
    case 'budgetBp':
    case 'discountMinBp':
    case 'discountMaxBp':
      return formatBasisPointsPercent(locale, Number(value), 2, true);
    case 'payoutMinimum':
    case 'bonusAmount':
      return formatMoney(locale, value, currency);
    case 'bonusMode':
      return translate(locale, `adminConsole.settings.bonusMode.${value}`);
    case 'commissionMonths':
      return plural(locale, 'plural.months', Number(value));
    case 'holdDays':
      return plural(locale, 'plural.days', Number(value));
    default:
      return value;
  }
}

function plural(locale: Locale, key: string, n: number): string {
  return translate(locale, `${key}.${pluralCategory(locale, n)}`, { n: formatCount(locale, n) });
}
