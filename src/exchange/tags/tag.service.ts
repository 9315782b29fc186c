import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../auth/auth.service';
import { ExchangeErrorCode, ExchangeException } from '../exchange.exception';
import { NewTagDto, TagView } from './tag.dto';

/** The expertise tags the operator maintains; members and leads may only use these. */
@Injectable()
export class TagService {
  constructor(private readonly db: DataSource) {}

  async list(): Promise<TagView[]> {
    return this.db.query(`SELECT slug, label FROM exchange_tags ORDER BY slug`);
  }

  async create(dto: NewTagDto): Promise<TagView> {
    try {
      const [r] = await this.db.query(`INSERT INTO exchange_tags (slug, label) VALUES ($1, $2) RETURNING slug, label`, [dto.slug, dto.label.trim()]);
      return r;
    } catch (err) {
      if (isUniqueViolation(err)) throw new ExchangeException(ExchangeErrorCode.TAG_EXISTS, `Tag ${dto.slug} already exists`, { field: 'slug' });
      throw err;
    }
  }

  /** Tag ids for slugs (sorted, unique); UNKNOWN_TAG names every slug that is not on the list. */
  async resolve(slugs: string[], m: EntityManager = this.db.manager, field = 'tags'): Promise<number[]> {
    const wanted = [...new Set(slugs.map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0))];
    if (wanted.length === 0) return [];
    const rows: { id: number; slug: string }[] = await m.query(`SELECT id, slug FROM exchange_tags WHERE slug = ANY($1)`, [wanted]);
    const unknown = wanted.filter((s) => !rows.some((r) => r.slug === s));
    if (unknown.length > 0) throw new ExchangeException(ExchangeErrorCode.UNKNOWN_TAG, `Unknown tag(s): ${unknown.join(', ')}`, { field, unknown });
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  async slugMap(m: EntityManager = this.db.manager): Promise<Map<number, string>> {
    const rows: { id: number; slug: string }[] = await m.query(`SELECT id, slug FROM exchange_tags`);
    return new Map(rows.map((r) => [r.id, r.slug]));
  }
}
