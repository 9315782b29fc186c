import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExchangeErrorCode, ExchangeException } from '../exchange.exception';
import { RulesVersionView } from './rules.dto';

const RULES_LOCK = 884433;

/** Versions of the exchange rules (no-poaching and the rest). Rows are immutable (a trigger refuses changes). */
@Injectable()
export class RulesService {
  constructor(private readonly db: DataSource) {}

  async current(m: EntityManager = this.db.manager): Promise<RulesVersionView> {
    const [r] = await m.query(`SELECT version, text, created_at FROM exchange_rules_versions ORDER BY version DESC LIMIT 1`);
    return { version: r.version, text: r.text, createdAt: r.created_at };
  }

  async history(): Promise<RulesVersionView[]> {
    const rows = await this.db.query(`SELECT version, text, created_at FROM exchange_rules_versions ORDER BY version DESC`);
    return rows.map((r: any) => ({ version: r.version, text: r.text, createdAt: r.created_at }));
  }

  async publish(text: string, actorId: string): Promise<RulesVersionView> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [RULES_LOCK]);
      const cur = await this.current(m);
      if (cur.text.trim() === text.trim()) throw new ExchangeException(ExchangeErrorCode.RULES_TEXT_UNCHANGED, `The text is the same as version ${cur.version}`);
      const [r] = await m.query(`INSERT INTO exchange_rules_versions (version, text, created_by) VALUES ($1, $2, $3) RETURNING version, text, created_at`, [
        cur.version + 1,
        text.trim(),
        actorId,
      ]);
      return { version: r.version, text: r.text, createdAt: r.created_at };
    });
  }

  /** An applicant must accept exactly the current version. */
  async assertCurrentAccepted(m: EntityManager, accepted: number | undefined): Promise<number> {
    const cur = await this.current(m);
    if (accepted === undefined || accepted === null) {
      throw new ExchangeException(ExchangeErrorCode.RULES_NOT_ACCEPTED, 'Read and accept the exchange rules to apply', { field: 'acceptedRulesVersion', currentVersion: cur.version });
    }
    if (accepted !== cur.version) {
      throw new ExchangeException(ExchangeErrorCode.RULES_VERSION_STALE, `The rules changed: accept version ${cur.version} instead of ${accepted}`, {
        field: 'acceptedRulesVersion',
        currentVersion: cur.version,
      });
    }
    return cur.version;
  }
}
