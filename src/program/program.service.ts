import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isKnownCurrency } from '../money/money';
import { DEFAULT_TIME_ZONE } from '../money/money-format';
import { ViewService } from '../web/view.service';
import { OfferVersion } from './offer-version.entity';
import { NewOfferVersionDto, OfferVersionView, ProgramView, UpdateProgramDto } from './program.dto';
import { ProgramErrorCode, ProgramException } from './program.exception';
import { ProgramSettings } from './program-settings.entity';
import './program.messages';

export const PROGRAM_ID = 1;
export const DEFAULT_PROGRAM_NAME = 'Handshake';
/** How long another instance may show the previous name after a change. */
const NAME_TTL_MS = 15_000;

/** The program's name as stored: trimmed, 1–80 characters, no control characters (NUL included). */
export function normalizeProgramName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > 80 || /\p{Cc}/u.test(name)) {
    throw new ProgramException(ProgramErrorCode.PROGRAM_NAME_INVALID, 'The program name must be 1 to 80 characters, without control characters', { field: 'name', min: 1, max: 80 });
  }
  return name;
}

/** An offer text as stored and compared: line ends as \n (browsers send \r\n), no surrounding blank space. */
export function normalizeOfferText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** An IANA time zone name, canonical ("europe/moscow" → "Europe/Moscow"); anything else is refused. */
export function normalizeTimeZone(raw: string): string {
  const text = raw.trim();
  const refuse = () => new ProgramException(ProgramErrorCode.PROGRAM_TIME_ZONE_INVALID, `${text.slice(0, 64)} is not an IANA time zone name (such as Europe/Moscow)`, { field: 'timeZone' });
  // Names only (Area/City, UTC): Intl also takes offsets such as +03:00, which are not zones.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(text)) throw refuse();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    throw refuse();
  }
}

/** The settings whose every change is recorded in program_settings_changes, in the order of the form. */
export const RECORDED_FIELDS = ['name', 'currency', 'budgetBp', 'discountMinBp', 'discountMaxBp', 'commissionMonths', 'holdDays', 'payoutMinimum', 'timeZone', 'bonusAmount', 'bonusMode'] as const;
export type ProgramField = (typeof RECORDED_FIELDS)[number];

/** One recorded change of one setting: values as text (null = none, e.g. unlimited months). */
export interface ProgramSettingsChange {
  id: string;
  changedAt: Date;
  changedBy: string | null;
  changedByEmail: string | null;
  field: ProgramField;
  before: string | null;
  after: string | null;
  /** The program's currency after the change (a payout minimum is in it). */
  currency: string;
}

function fieldText(s: ProgramSettings, f: ProgramField): string | null {
  const v = s[f];
  return v === null || v === undefined ? null : String(v).trim();
}

/** The program's terms; every rule on their consistency lives here. */
@Injectable()
export class ProgramService implements OnModuleInit {
  private cachedName = DEFAULT_PROGRAM_NAME;
  private cachedZone = DEFAULT_TIME_ZONE;
  private nameLoadedAt = 0;
  private nameLoading?: Promise<string>;

  constructor(
    private readonly db: DataSource,
    @Optional() private readonly views?: ViewService,
  ) {}

  async onModuleInit(): Promise<void> {
    // Pages rendered without an explicit zone (the `date` helper's default) take this one.
    this.views?.useProgramTimeZone(() => this.timeZoneNow());
    await this.refreshNamed().catch(() => undefined); // the first page already has the zone
  }

  /** The program's name (its brand), read through a short cache. Pages and emails use this. */
  async programName(): Promise<string> {
    await this.refreshNamed();
    return this.cachedName;
  }

  /** Name and time zone, read together through one short cache (one query per 15 s at most). */
  private async refreshNamed(): Promise<void> {
    if (Date.now() - this.nameLoadedAt < NAME_TTL_MS) return;
    this.nameLoading ??= this.db
      .query(`SELECT name, time_zone FROM program_settings WHERE id = $1`, [PROGRAM_ID])
      .then((rows: { name: string; time_zone: string | null }[]) => {
        this.cachedName = rows[0]?.name ?? DEFAULT_PROGRAM_NAME;
        this.cachedZone = zoneOrDefault(rows[0]?.time_zone);
        this.nameLoadedAt = Date.now();
        return this.cachedName;
      })
      .finally(() => (this.nameLoading = undefined));
    await this.nameLoading;
  }

  /**
   * The last known name, without waiting (for synchronous renderers such as the email layout);
   * starts a refresh when it is older than the cache's lifetime.
   */
  programNameNow(): string {
    if (Date.now() - this.nameLoadedAt >= NAME_TTL_MS) void this.programName().catch(() => undefined);
    return this.cachedName;
  }

  async settings(manager: EntityManager = this.db.manager, lock = false): Promise<ProgramSettings> {
    return manager.findOneOrFail(ProgramSettings, { where: { id: PROGRAM_ID }, ...(lock ? { lock: { mode: 'pessimistic_read' as const } } : {}) });
  }

  async currentOffer(manager: EntityManager = this.db.manager): Promise<OfferVersion> {
    const [latest] = await manager.find(OfferVersion, { order: { version: 'DESC' }, take: 1 });
    return latest;
  }

  async view(): Promise<ProgramView> {
    const [s, offer] = await Promise.all([this.settings(), this.currentOffer()]);
    return toView(s, offer);
  }

  async update(dto: UpdateProgramDto, actorId: string): Promise<ProgramView> {
    return this.db.transaction(async (m) => {
      const s = await m.findOneOrFail(ProgramSettings, { where: { id: PROGRAM_ID }, lock: { mode: 'pessimistic_write' } });
      const before = RECORDED_FIELDS.map((f) => fieldText(s, f));
      if (dto.name !== undefined) s.name = normalizeProgramName(dto.name);
      if (dto.currency !== undefined) {
        if (!isKnownCurrency(dto.currency)) throw new ProgramException(ProgramErrorCode.UNKNOWN_CURRENCY, `${dto.currency} is not an ISO 4217 currency`, { field: 'currency' });
        s.currency = dto.currency;
      }
      if (dto.budgetBp !== undefined) s.budgetBp = dto.budgetBp;
      if (dto.discountMinBp !== undefined) s.discountMinBp = dto.discountMinBp;
      if (dto.discountMaxBp !== undefined) s.discountMaxBp = dto.discountMaxBp;
      if (dto.commissionMonths !== undefined) s.commissionMonths = dto.commissionMonths;
      if (dto.holdDays !== undefined) s.holdDays = dto.holdDays;
      if (dto.payoutMinimum !== undefined) s.payoutMinimum = BigInt(dto.payoutMinimum);
      if (dto.timeZone !== undefined) s.timeZone = normalizeTimeZone(dto.timeZone);
      if (dto.bonusAmount !== undefined) s.bonusAmount = BigInt(dto.bonusAmount);
      if (dto.bonusMode !== undefined) s.bonusMode = dto.bonusMode;
      assertConsistent(s);
      const changed = RECORDED_FIELDS.map((field, i) => ({ field, before: before[i], after: fieldText(s, field) })).filter((c) => c.before !== c.after);
      s.updatedBy = actorId;
      await m.save(s);
      if (changed.length > 0) {
        // In the change's transaction: a setting never changes without its record.
        await m.query(
          `INSERT INTO program_settings_changes (changed_by, field, before, after, currency)
           SELECT $1, c.field, c.before, c.after, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS c(field, before, after)`,
          [actorId, changed.map((c) => c.field), changed.map((c) => c.before), changed.map((c) => c.after), s.currency.trim()],
        );
      }
      let offer = await this.currentOffer(m);
      if (dto.offerText !== undefined && normalizeOfferText(dto.offerText) !== normalizeOfferText(offer.text)) offer = await this.insertOffer(m, dto.offerText, actorId);
      return toView(s, offer);
    }).then((view) => {
      this.cachedName = view.name;
      this.cachedZone = zoneOrDefault(view.timeZone);
      this.nameLoadedAt = Date.now();
      return view;
    });
  }

  /** The recorded changes of the settings, newest save first (a save's fields in the form's order), with who made each. */
  async changes(limit: number, offset = 0): Promise<{ rows: ProgramSettingsChange[]; total: number }> {
    const rows: Record<string, any>[] = await this.db.query(
      `SELECT c.id, c.changed_at, c.changed_by, u.email, c.field, c.before, c.after, c.currency, count(*) OVER () AS total
         FROM program_settings_changes c LEFT JOIN users u ON u.id = c.changed_by
        ORDER BY c.changed_at DESC, c.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return {
      total: rows.length > 0 ? Number(rows[0].total) : 0,
      rows: rows.map((r) => ({ id: String(r.id), changedAt: r.changed_at, changedBy: r.changed_by, changedByEmail: r.email, field: r.field, before: r.before, after: r.after, currency: String(r.currency).trim() })),
    };
  }

  /**
   * The program's time zone (IANA name; UTC when it has none): the one place that decides it.
   * Months and days on pages, emails and CSV files are counted in it and times shown in it; the
   * API's timestamps stay ISO UTC. Read through the name's short cache, so a page may ask freely.
   */
  async timeZone(): Promise<string> {
    await this.refreshNamed();
    return this.cachedZone;
  }

  /** The last known zone, without waiting (synchronous renderers); starts a refresh when stale. */
  timeZoneNow(): string {
    if (Date.now() - this.nameLoadedAt >= NAME_TTL_MS) void this.refreshNamed().catch(() => undefined);
    return this.cachedZone;
  }

  async publishOffer(dto: NewOfferVersionDto, actorId: string): Promise<OfferVersionView> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(884422)');
      const current = await this.currentOffer(m);
      if (current && normalizeOfferText(current.text) === normalizeOfferText(dto.text)) {
        throw new ProgramException(ProgramErrorCode.OFFER_TEXT_UNCHANGED, `The text is the same as version ${current.version}`);
      }
      return offerView(await this.insertOffer(m, dto.text, actorId));
    });
  }

  async offerHistory(): Promise<OfferVersionView[]> {
    const all = await this.db.manager.find(OfferVersion, { order: { version: 'DESC' } });
    return all.map(offerView);
  }

  private async insertOffer(m: EntityManager, text: string, actorId: string): Promise<OfferVersion> {
    await m.query('SELECT pg_advisory_xact_lock(884422)');
    const current = await this.currentOffer(m);
    return m.save(m.create(OfferVersion, { version: (current?.version ?? 0) + 1, text: normalizeOfferText(text), createdBy: actorId }));
  }
}

/** A stored zone, or the fallback for a program without one. */
function zoneOrDefault(zone: string | null | undefined): string {
  return typeof zone === 'string' && zone.trim() !== '' ? zone.trim() : DEFAULT_TIME_ZONE;
}

/** The bounds must nest: 0 ≤ min ≤ max ≤ budget ≤ 100%. */
export function assertConsistent(s: Pick<ProgramSettings, 'budgetBp' | 'discountMinBp' | 'discountMaxBp'> & Partial<Pick<ProgramSettings, 'bonusAmount' | 'bonusMode'>>): void {
  if (s.bonusMode === 'instead' && (s.bonusAmount ?? 0n) <= 0n) {
    throw new ProgramException(ProgramErrorCode.BONUS_REQUIRED, 'bonusMode "instead" replaces the recurring commission with the bonus: set a bonusAmount above 0', { field: 'bonusAmount' });
  }
  if (s.discountMinBp > s.discountMaxBp) {
    throw new ProgramException(ProgramErrorCode.PROGRAM_INVALID, `discountMinBp (${s.discountMinBp}) exceeds discountMaxBp (${s.discountMaxBp})`, { field: 'discountMinBp' });
  }
  if (s.discountMaxBp > s.budgetBp) {
    throw new ProgramException(ProgramErrorCode.PROGRAM_INVALID, `discountMaxBp (${s.discountMaxBp}) exceeds the budget (${s.budgetBp})`, { field: 'discountMaxBp' });
  }
}

export function offerView(o: OfferVersion): OfferVersionView {
  return { version: o.version, text: o.text, createdAt: o.createdAt };
}

function toView(s: ProgramSettings, offer: OfferVersion): ProgramView {
  return {
    name: s.name,
    currency: s.currency,
    budgetBp: s.budgetBp,
    discountMinBp: s.discountMinBp,
    discountMaxBp: s.discountMaxBp,
    commissionMonths: s.commissionMonths,
    holdDays: s.holdDays,
    payoutMinimum: s.payoutMinimum.toString(),
    timeZone: s.timeZone,
    bonusAmount: s.bonusAmount.toString(),
    bonusMode: s.bonusMode,
    currentOffer: offerView(offer),
  };
}
